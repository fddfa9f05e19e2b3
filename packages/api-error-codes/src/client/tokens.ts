/**
 * The bearer token of a client and its refresh: one refresh at a time, shared by every request
 * that met code 8 while it ran.
 */

/**
 * A token, or nothing for an anonymous request.
 * @example
 * const getToken = (): TokenValue => sessionStorage.getItem("access_token");
 */
export type TokenValue = string | null | undefined;

/**
 * Where the client's token comes from, and how it gets a new one ({@link createClient} options).
 * @example
 * const source: TokenSource = {
 *   getToken: () => store.access,
 *   refresh: async () => { store.access = await renew(store.refresh); },
 * };
 */
export interface TokenSource {
  /** A fixed token; replaced by what `refresh` returns. */
  token?: string | undefined;
  /** Asked before every attempt; when set, it wins over `token`. */
  getToken?: (() => TokenValue | Promise<TokenValue>) | undefined;
  /**
   * Called on code 8 (token expired). Return the new token, or store it where `getToken` finds it
   * and return nothing. Concurrent requests that meet code 8 share one call.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: `void` is what lets `async () => { store.token = ... }` fit
  refresh?: (() => TokenValue | void | Promise<TokenValue | void>) | undefined;
}

/** The token for one attempt, with the refresh generation it belongs to. */
export interface TokenLease {
  token: string | undefined;
  generation: number;
}

/** Holds the current token and runs refreshes one at a time. */
export class TokenState {
  private token: string | undefined;
  private generation = 0;
  private pending: Promise<void> | undefined;

  constructor(private readonly source: TokenSource) {
    this.token = source.token;
  }

  /** Whether code 8 can be answered with a refresh. */
  get canRefresh(): boolean {
    return this.source.refresh !== undefined;
  }

  /** The token to send now. */
  async lease(): Promise<TokenLease> {
    const generation = this.generation;
    const value = this.source.getToken === undefined ? this.token : await this.source.getToken();
    return { token: value === null || value === "" ? undefined : (value ?? undefined), generation };
  }

  /**
   * Makes sure the token is newer than `lease`: when a refresh finished since the lease was taken,
   * nothing is to do; when one runs, it is joined; otherwise one starts. Rejects with the refresh's
   * error.
   */
  async renew(lease: TokenLease): Promise<void> {
    if (this.generation !== lease.generation) return;
    const refresh = this.source.refresh;
    if (refresh === undefined) return;
    if (this.pending === undefined) {
      this.pending = (async () => {
        try {
          const fresh = await refresh();
          if (typeof fresh === "string" && fresh !== "") this.token = fresh;
          this.generation++;
        } finally {
          this.pending = undefined;
        }
      })();
    }
    await this.pending;
  }
}
