// The SDK's ECMA-419 TLS socket (examples/io/tcp/tlssocket), mapped in manifest.json: the build resolves the
// module to that .js file and would not find the SDK's declaration of it. main.ts only hands the class over.
declare module "embedded:io/socket/tcp/tls" {
  export default class TLSSocket {
    constructor(options: Record<string, unknown>);
    close(): void;
  }
}
