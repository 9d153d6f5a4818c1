// One portal and one browser at a time: the machines are small and the tests are about behaviour, not speed.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
