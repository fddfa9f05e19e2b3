/** Koa 2 installed under an alias for the adapter tests; its API is used through Koa 3's types. */
declare module "koa-2" {
  const Koa: unknown;
  export default Koa;
}
