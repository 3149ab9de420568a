/**
 * A part of the interface kept out of the startup script (a dialog, a panel few people open). Its chunk is
 * fetched the first time `component` is read, that is the first time it is shown; until it is here,
 * `component` is null and nothing is drawn in its place. A failed fetch (a dropped tunnel) goes to `onError`
 * with a retry, and is tried again the next time the part is shown.
 *
 * To make a component lazy: `const part = new Lazy(() => import('./components/X.svelte'), onError)`, then
 * in the markup `{#if shown}{@const X = part.component}{#if X}<X … />{/if}{/if}`.
 */
export class Lazy<C> {
  #component = $state.raw<C | null>(null);
  #loading: Promise<void> | null = null;

  constructor(
    private readonly load: () => Promise<{ default: C }>,
    private readonly onError: (error: unknown, retry: () => void) => void,
  ) {}

  /** The component once loaded; reading it starts the load. */
  get component(): C | null {
    if (this.#component === null) void this.fetch();
    return this.#component;
  }

  /** Loaded already: a dialog stays mounted after its first opening, so it can close the way it always does. */
  get ready(): boolean {
    return this.#component !== null;
  }

  fetch(): Promise<void> {
    this.#loading ??= this.load().then(
      (module) => {
        this.#component = module.default;
      },
      (error: unknown) => {
        this.#loading = null;
        this.onError(error, () => void this.fetch());
      },
    );
    return this.#loading;
  }
}
