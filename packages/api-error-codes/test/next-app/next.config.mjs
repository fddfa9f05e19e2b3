// The quickstart's configuration (webpack, `.js` specifiers of `.ts` files, no trailing-slash redirect).
export { default } from "../../examples/next/next.config.mjs";
