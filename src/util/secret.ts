/**
 * Makes the named properties of `obj` non-enumerable, so that util.inspect, console.log, JSON.stringify
 * and object spreads leave key material out while code can still read and write it.
 */
export function hideSecrets<T extends object>(obj: T, ...names: Array<keyof T>): T {
  for (const name of names) {
    Object.defineProperty(obj, name, { value: obj[name], enumerable: false, writable: true, configurable: true });
  }
  return obj;
}
