// The SDK 8.2 declares `crypt` (typings/crypt.d.ts); @moddable/typings 5.6 lacks it.
// Host type-check only: mcconfig builds use the SDK's declaration.
declare module "crypt" {
  export class Digest {
    constructor(type: "SHA256");
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
  }
}
