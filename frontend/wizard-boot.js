// Starts the booking wizard. A file of its own, not an inline script: the pages' Content
// Security Policy runs only scripts served by us.
import init from "/wizard.js";
init({ module_or_path: "/wizard_bg.wasm" });
