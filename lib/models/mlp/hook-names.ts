/**
 * Hook points of the MLP, in the TransformerLens grammar. B = batch rows; R = rows the body sees: B for the
 * linear head, B × items for the odd-one-out head (problem-major: row b·items + i is item i of problem b).
 *
 * | name                 | shape                 | what                                                        |
 * |----------------------|-----------------------|-------------------------------------------------------------|
 * | hook_input           | [B, inputSize]        | the input row as given                                      |
 * | layers.{i}.hook_pre  | [R, hiddenSizes[i]]   | Dense output before the activation (what Redhardt et al. probe) |
 * | layers.{i}.hook_post | [R, hiddenSizes[i]]   | after the activation                                        |
 * | head.hook_embed      | [R, outputSize]       | odd-one-out head only: L2-normalised item embedding          |
 * | hook_output          | [B, model.outputSize] | regression values / logits (odd-one-out: one per item)       |
 */
import { MlpConfig } from './config';

export type MlpHookName = 'hook_input' | `layers.${number}.hook_pre` | `layers.${number}.hook_post` | 'head.hook_embed' | 'hook_output';

/** Every hook point of a model with this config, in forward order. */
export function mlpHookPoints(config: MlpConfig): MlpHookName[] {
  const names: MlpHookName[] = ['hook_input'];
  config.hiddenSizes.forEach((_, i) => names.push(`layers.${i}.hook_pre`, `layers.${i}.hook_post`));
  if (config.head === 'odd-one-out') names.push('head.hook_embed');
  names.push('hook_output');
  return names;
}

/** Shorthand like TransformerLens's get_act_name: `mlpActName('pre', 1)` → 'layers.1.hook_pre'. */
export function mlpActName(point: 'pre' | 'post', layer: number): MlpHookName {
  return `layers.${layer}.hook_${point}`;
}
