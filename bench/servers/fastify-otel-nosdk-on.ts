/** The observability pairs' server (see observed.ts): SDK false, the adapter's hooks true. */
import { startObserved } from "./observed.js";

await startObserved({ sdk: false, hooks: true });
