/** The item concept shared by both variants: a feature vector plus the two subroutine flags it was drawn with. */
import { Rng } from '../../util/random';

export interface Item {
  features: Float32Array;
  /** Subroutine A holds (vision: inside; language: subject singular). */
  a: boolean;
  /** Subroutine B holds (vision: contact; language: verb singular). */
  b: boolean;
  /** The symbolic attributes the features encode (for tests, probes and reports). */
  attributes: Record<string, number>;
}

export interface ItemFamily {
  readonly itemSize: number;
  /** Names of the A and B subroutines, for reports. */
  readonly subroutines: { a: string; b: string };
  /** One item, uniform among items whose flags are (a, b). */
  sample(a: boolean, b: boolean, rng: Rng): Item;
  /** One line of text for logs and reports. */
  describe(item: Item): string;
}
