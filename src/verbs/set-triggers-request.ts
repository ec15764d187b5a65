/**
 * `oc set triggers` flags completed and validated with oc's wording (oc's Complete + Validate in
 * `pkg/cli/set/triggers.go`).
 */
import { UsageError } from '../errors.js';
import { parseOpenShiftReference, type OpenShiftReference } from '../domain/tag-source.js';

/** Flags as given; a webhook flag that is defined (even false) counts as set, like cobra's Changed. */
export interface SetTriggersFlags {
  readonly fromImage?: string | undefined;
  /** `-c/--containers`: comma-separated as typed, or already split. */
  readonly containers?: string | readonly string[] | undefined;
  readonly auto?: boolean | undefined;
  readonly manual?: boolean | undefined;
  readonly remove?: boolean | undefined;
  readonly removeAll?: boolean | undefined;
  readonly fromConfig?: boolean | undefined;
  readonly fromGithub?: boolean | undefined;
  readonly fromWebhook?: boolean | undefined;
  readonly fromWebhookAllowEnv?: boolean | undefined;
  readonly fromGitlab?: boolean | undefined;
  readonly fromBitbucket?: boolean | undefined;
}

export type WebhookKind = 'github' | 'generic' | 'generic-allowenv' | 'gitlab' | 'bitbucket';

/** Completed and validated request (oc's Complete + Validate). */
export interface SetTriggersRequest {
  /** No change flag: print the `NAME TYPE VALUE AUTO` table. */
  readonly printTable: boolean;
  readonly auto: boolean;
  readonly manual: boolean;
  /** `--auto`/`--manual` without a trigger type: flip every trigger. */
  readonly reset: boolean;
  readonly remove: boolean;
  readonly removeAll: boolean;
  readonly fromConfig: boolean;
  /** `<stream>:<tag>` (namespace split off), when `--from-image` was given. */
  readonly fromImage: string | undefined;
  /** Namespace of `--from-image`; '' when it is the current namespace. */
  readonly fromImageNamespace: string;
  readonly containerNames: readonly string[] | undefined;
  /** Webhook flags that were set to true (each is refused when applied to an object). */
  readonly webhooks: readonly WebhookKind[];
}

/**
 * oc's Complete + Validate. `namespace` is the current namespace (`--namespace` or the object's).
 * Throws UsageError with oc's exact messages.
 */
export function completeSetTriggers(flags: SetTriggersFlags, namespace: string): SetTriggersRequest {
  let fromImage: string | undefined;
  let fromImageNamespace = '';
  if (flags.fromImage !== undefined && flags.fromImage !== '') {
    let ref: OpenShiftReference;
    try {
      ref = parseOpenShiftReference(flags.fromImage);
    } catch (e) {
      throw new UsageError(`the value of --from-image does not appear to be a valid reference to an image: ${(e as Error).message}`);
    }
    if (ref.registry !== '' || ref.id !== '') {
      throw new UsageError('the value of --from-image must point to an image stream tag on this server');
    }
    if (ref.tag === '') throw new UsageError('the value of --from-image must include the tag you wish to pull from');
    fromImage = `${ref.name}:${ref.tag}`;
    fromImageNamespace = ref.namespace === namespace ? '' : ref.namespace;
  }
  const webhookFlags: [boolean | undefined, WebhookKind][] = [
    [flags.fromGithub, 'github'],
    [flags.fromWebhook, 'generic'],
    [flags.fromWebhookAllowEnv, 'generic-allowenv'],
    [flags.fromGitlab, 'gitlab'],
    [flags.fromBitbucket, 'bitbucket'],
  ];
  const fromConfig = flags.fromConfig === true;
  const count =
    (fromConfig ? 1 : 0) + webhookFlags.filter(([v]) => v !== undefined).length + (fromImage !== undefined ? 1 : 0);
  let auto = flags.auto === true;
  const manual = flags.manual === true;
  const remove = flags.remove === true;
  const removeAll = flags.removeAll === true;
  const reset = count === 0 && (auto || manual);
  let printTable = false;
  if (count === 0 && !remove && !removeAll && !auto && !manual) printTable = true;
  else if (!removeAll && !auto && !manual) auto = true;

  if (auto && manual) throw new UsageError('you must specify at most one of --auto or --manual');
  if (remove && removeAll) throw new UsageError('you must specify either --remove or --remove-all');
  if (removeAll && (count !== 0 || auto || manual)) throw new UsageError('--remove-all may not be used with any other flag');
  if (remove && count < 1) throw new UsageError('--remove requires a flag defining a trigger type to be specified');
  if (count > 1) throw new UsageError('you may only set one trigger type at a time');

  const raw = flags.containers;
  const containerNames = raw === undefined || raw.length === 0 ? undefined : typeof raw === 'string' ? raw.split(',') : [...raw];
  return {
    printTable,
    auto,
    manual,
    reset,
    remove,
    removeAll,
    fromConfig,
    fromImage,
    fromImageNamespace,
    containerNames,
    webhooks: webhookFlags.filter(([v]) => v === true).map(([, k]) => k),
  };
}
