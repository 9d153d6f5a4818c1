// Tells the server that this tab's user is working: Blazor's messages travel over its WebSocket, not as HTTP requests,
// so without this the browser's session would end as idle on the server while the user is busy in an open tab.
// Resolves to false once the server says the session is over.
export async function keepAlive() {
    try {
        const response = await fetch('Account/KeepAlive', { credentials: 'same-origin', cache: 'no-store', redirect: 'manual' });
        return response.status !== 401;
    } catch {
        // The network, not the session: the next call tries again.
        return true;
    }
}
