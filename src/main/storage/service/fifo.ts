/** A FIFO queue with O(1) push and shift (an array with a moving head, compacted now and then). */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Puts `items` back at the front, in their order (ahead of everything waiting). */
  unshift(items: readonly T[]): void {
    this.#items = [...items, ...(this.#items.slice(this.#head) as T[])];
    this.#head = 0;
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Keeps only the items for which `keep` is true, in order. */
  retain(keep: (item: T) => boolean): void {
    this.#items = (this.#items.slice(this.#head) as T[]).filter(keep);
    this.#head = 0;
  }

  /** Removes and returns every item. */
  drain(): T[] {
    const out = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return out;
  }
}
