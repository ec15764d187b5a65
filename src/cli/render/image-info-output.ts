/** `tagstream image info` as oc prints it: the text layout or `-o json`; an unselected index fails listing its platforms. Pure. */
import type { ImageInfoResult } from '../../app/image-info.js';
import { TagstreamError } from '../../errors.js';
import { imageInfoJson, manifestListMessage, renderImageInfo } from './image-info.js';
import type { ReadOutput } from './read-output.js';

export function imageInfoOutput(result: ImageInfoResult, output: 'text' | 'json'): ReadOutput {
  if (result.manifestList) return { stdout: '', stderr: [], errors: [...result.errors, new TagstreamError('Invalid', manifestListMessage(result.manifestList))] };
  if (!result.image) return { stdout: '', stderr: [], errors: result.errors };
  const stdout = output === 'json' ? imageInfoJson(result.image) : renderImageInfo(result.image, result.now);
  return { stdout, stderr: [], errors: result.errors };
}
