// Item ids as dense ints: behaviour state lives in int-keyed maps and typed arrays.

/** Dense integer ids for item ids (never reused; removed items keep theirs). */
export class Interner {
  private readonly map = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let i = this.map.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.map.set(name, i);
    }
    return i;
  }

  get(name: string): number | undefined {
    return this.map.get(name);
  }

  name(i: number): string {
    return this.names[i]!;
  }

  get size(): number {
    return this.names.length;
  }

  /** Takes the ids of a snapshot, in their order (the interner must be empty). */
  load(names: readonly string[]): void {
    if (this.names.length) throw new Error('Interner.load: not empty');
    for (const name of names) this.id(name);
  }
}
