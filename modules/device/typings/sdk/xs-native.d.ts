// Declared by the SDK 8.2 typings (xs/includes/xs.d.ts) but missing from @moddable/typings 5.6.
// Host type-check only: mcconfig builds use the SDK's own declarations.
declare function Native(name: string): new (...args: any[]) => any;
declare function native(name: string): (...args: any[]) => any;
