/** The observability pairs' server (see observed.ts): SDK true, the adapter's hooks false. */
import { startObserved } from "./observed.js";

await startObserved({ sdk: true, hooks: false });
