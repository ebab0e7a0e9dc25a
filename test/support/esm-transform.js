// Jest runs the tests as CommonJS; a few dependencies (jose, oidc-provider) ship only ES modules. esbuild turns
// such a file into CommonJS on the fly, so the tests load the same library code the bundles contain.
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: "js",
      format: "cjs",
      target: "node22",
      sourcefile: filename,
      sourcemap: "external",
    });
    return { code, map };
  },
};
