// The SDK modules the setup mode uses, for the host type-check (tsconfig.json lists only some of the
// typings). mcconfig builds never load this file: they map these names to the SDK's own typings.
/// <reference path="../../node_modules/@moddable/typings/http.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/wifi.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/net.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/dns/server.d.ts" />
