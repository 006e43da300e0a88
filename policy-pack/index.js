"use strict";
// The ready policy pack: `pulumi preview --policy-pack node_modules/pulumi-alert-routing/policy-pack`
// (configure it with `--policy-pack-config <file>`). Its version is this directory's package.json's,
// which @pulumi/policy reads from the working directory the engine starts the pack in.
require("../dist/policy").routingPolicyPack("alert-routing");
