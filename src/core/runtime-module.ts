/** The module every serialized provider shim loads; it must resolve from the project's node_modules. */
export const RUNTIME_MODULE = "pulumi-alert-routing/runtime";
