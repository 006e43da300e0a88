// The one list of vendors: each line loads a vendor folder, which registers its
// VendorModule (settings, protocol, resource definitions, emulator), and re-exports
// its resource classes from the package root. Adding a vendor: its folder and a line here.
export * from "./flashduty";
export * from "./opsgenie";
export * from "./rootly";
