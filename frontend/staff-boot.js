// Starts the staff app. A file of its own, not an inline script: the pages' Content Security
// Policy runs only scripts served by us.
import init from "/staff.js";
init({ module_or_path: "/staff_bg.wasm" });
