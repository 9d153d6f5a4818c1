namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>The database a test class runs on: each shared test body has one subclass per provider.</summary>
public enum TestProvider
{
    /// <summary>SQLite files (WAL) in the test's folder: the embedded default.</summary>
    Sqlite,

    /// <summary>Fresh databases on the PostgreSQL servers of <c>MEDICALPORTAL_TEST_POSTGRES</c>.</summary>
    Postgres,
}
