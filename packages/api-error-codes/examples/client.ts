// Quickstart: the typed client. Errors narrow on `code`; no answer at all is a TransportError.
import { createClient, isResponseError, TransportError } from "api-error-codes/client";

interface Order {
  id: string;
  item: string;
}

const session = { access: "access-token", refresh: "refresh-token" };

const api = createClient({
  baseUrl: "https://api.example.com/v1",
  getToken: () => session.access,
  // Called once on code 8; concurrent requests share one refresh, then replay with the new token.
  refresh: async () => {
    const body = { refresh_token: session.refresh };
    const pair = await api.post<{ access_token: string }>("/auth/refresh", body, { auth: false });
    session.access = pair.access_token;
    return pair.access_token;
  },
});

export async function describeOrder(id: string): Promise<string> {
  try {
    const order = await api.get<Order>(`/orders/${id}`);
    return `${order.id}: ${order.item}`;
  } catch (err) {
    // NetworkError (refused, reset, CORS) and TimeoutError (err.timeoutMs) share this base.
    if (err instanceof TransportError) return "offline, try again";
    if (!isResponseError(err)) throw err;
    if (!err.known) return `error ${err.code} (request ${err.requestId})`; // a code newer than this client
    switch (err.code) {
      case 10:
        return "no such order";
      case 3:
      case 4:
      case 5:
        return err.details.violations.map((v) => `${v.pointer}: ${v.message}`).join("; ");
      case 6:
      case 7:
        return "please sign in";
      default:
        return `${err.message} (request ${err.requestId})`;
    }
  }
}
