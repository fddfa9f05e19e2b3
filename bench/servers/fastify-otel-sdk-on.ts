/** The observability pairs' server (see observed.ts): SDK true, the adapter's hooks true. */
import { startObserved } from "./observed.js";

await startObserved({ sdk: true, hooks: true });
