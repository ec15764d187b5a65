/** kubectl-style resource arguments for the read verbs: `is NAME...`, `is/NAME`, `istag/NAME:TAG`. */
import { UsageError } from '../errors.js';

export type ResourceKind = 'imagestream' | 'imagestreamtag';

const RESOURCE_ALIASES: Readonly<Record<string, ResourceKind>> = {
  is: 'imagestream',
  imagestream: 'imagestream',
  imagestreams: 'imagestream',
  'imagestream.image.openshift.io': 'imagestream',
  'imagestreams.image.openshift.io': 'imagestream',
  istag: 'imagestreamtag',
  imagestreamtag: 'imagestreamtag',
  imagestreamtags: 'imagestreamtag',
  'imagestreamtag.image.openshift.io': 'imagestreamtag',
  'imagestreamtags.image.openshift.io': 'imagestreamtag',
};

function resourceOf(word: string): ResourceKind {
  const r = RESOURCE_ALIASES[word.toLowerCase()];
  if (!r) throw new UsageError(`the server doesn't have a resource type "${word}" (supported: is, istag)`);
  return r;
}

/**
 * kubectl's argument forms: `TYPE [NAME...]` or `TYPE/NAME [TYPE/NAME...]` (one type at a time here).
 */
export function parseResourceArgs(args: readonly string[]): { resource: ResourceKind; names: string[] } {
  const [first, ...rest] = args;
  if (first === undefined) throw new UsageError('you must specify the type of resource to get: is or istag');
  if (!first.includes('/')) return { resource: resourceOf(first), names: rest };
  let resource: ResourceKind | undefined;
  const names: string[] = [];
  for (const arg of args) {
    const slash = arg.indexOf('/');
    if (slash <= 0) throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'tagstream get is/x' instead of 'tagstream get is is/x')`);
    const r = resourceOf(arg.slice(0, slash));
    if (resource && r !== resource) throw new UsageError('only one resource type may be given at a time');
    resource = r;
    const name = arg.slice(slash + 1);
    if (!name) throw new UsageError(`arguments in resource/name form must have a single resource and name: "${arg}"`);
    names.push(name);
  }
  return { resource: resource as ResourceKind, names };
}
