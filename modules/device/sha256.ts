import { Digest } from "crypt";
import type { Digest as DigestPort } from "../update/ports";

/** SHA-256 on the SDK's `crypt` Digest (native code), fed piece by piece. */
export class Sha256 implements DigestPort {
  private readonly digest = new Digest("SHA256");

  reset(): void {
    this.digest.reset();
  }

  update(bytes: Uint8Array, start: number, end: number): void {
    // The native write takes any buffer view (xsmcGetBufferReadable); the SDK's typing names only ArrayBuffer.
    this.digest.write(bytes.subarray(start, end) as unknown as ArrayBuffer);
  }

  hex(): string {
    const bytes = new Uint8Array(this.digest.close());
    let out = "";
    for (let i = 0; i < bytes.length; i++) out += (bytes[i] + 0x100).toString(16).slice(1);
    return out;
  }
}
