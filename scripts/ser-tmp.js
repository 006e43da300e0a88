const pulumi = require("@pulumi/pulumi");
function v1(MOD, KEY) {
  const c = (m, a) => require("module").createRequire(`${process.cwd()}/`)(MOD).dispatch(KEY, m, a);
  return { configure: (...a) => c("configure", a), check: (...a) => c("check", a), diff: (...a) => c("diff", a), create: (...a) => c("create", a), read: (...a) => c("read", a), update: (...a) => c("update", a), delete: (...a) => c("delete", a) };
}
function v2(MOD, KEY) {
  const p = { m: MOD, k: KEY,
    c(n, a) { return require("module").createRequire(`${process.cwd()}/`)(this.m).dispatch(this.k, n, a); },
    configure(...a) { return this.c("configure", a); }, check(...a) { return this.c("check", a); }, diff(...a) { return this.c("diff", a); }, create(...a) { return this.c("create", a); }, read(...a) { return this.c("read", a); }, update(...a) { return this.c("update", a); }, delete(...a) { return this.c("delete", a); } };
  return p;
}
(async () => {
  for (const f of [v1, v2]) {
    const p = f("pulumi-alert-routing/runtime", "opsgenie:TeamRoutingRule");
    const sf = await pulumi.runtime.serializeFunction(() => p, { allowSecrets: false });
    console.log(f.name, sf.text.length);
    if (process.argv[2] === f.name) console.log(sf.text);
  }
})();
