/** Express 4 installed under an alias for the adapter tests; its API is used through Express 5's types. */
declare module "express-4" {
  const express: unknown;
  export default express;
}
