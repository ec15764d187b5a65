/**
 * `tagstream import-image IMAGESTREAM[:TAG]` (oc import-image): plan the ImageStreamImport, ask
 * the registry now (expanding `--all` over the repository's tag list, capped by maxBulkImport),
 * record the answers as the server does, write the stream and the triggers it fires, and print
 * oc's summary followed by the `describe is` view of the stream. `--dry-run` writes nothing.
 */
import { errorMessage, TagstreamError } from '../errors.js';
import { isParsed, sourceText } from '../domain/image-reference.js';
import { streamKey, type ImageStream } from '../domain/image-stream.js';
import type { ImportRequest } from '../domain/import-result.js';
import { importImageOutput, planImportImage, type ImportImageOptions } from '../verbs/import-image-command.js';
import { planRepositoryImport } from '../planning/import-plan.js';
import type { AppContext } from './app-context.js';
import { runImportsWithPolicies } from './tag-policies.js';
import { VERB_DEFAULT_IMPORT_MODE, blockedLocalTags, openVerbSession, planVerbWrites, recordImports, type VerbResult, type VerbWrites } from './stream-verb.js';
import { writeUncommitted } from './uncommitted-writes.js';

export interface ImportImageRequest extends ImportImageOptions {
  /** `-n`; default: the repository's defaultNamespace, else `default`. */
  readonly namespace?: string | undefined;
}

/**
 * Run `oc import-image` against the repository. Refusals throw (nothing written); failed tags
 * are recorded as ImportSuccess=False conditions (the last good image stays) and exit 1.
 */
export async function importImage(ctx: AppContext, request: ImportImageRequest): Promise<VerbResult> {
  const session = await openVerbSession(ctx, request.namespace);
  const { namespace, now } = session.context;
  const plan = planImportImage(session.streams, request, session.context);
  const key = streamKey(plan.target.metadata.namespace ?? namespace, plan.target.metadata.name);

  let requests: readonly ImportRequest[] = plan.imports;
  let additionalTags: readonly string[] = [];
  if (plan.repository) {
    let remoteTags: string[];
    try {
      if (!isParsed(plan.repository.from)) throw plan.repository.from.error;
      remoteTags = await ctx.registry.listTags(plan.repository.from, { insecure: plan.repository.insecure || undefined });
    } catch (e) {
      const code = e instanceof TagstreamError ? e.code : 'Internal';
      throw new TagstreamError(code, `cannot list the tags of ${sourceText(plan.repository.from)}: ${errorMessage(e)}`, { cause: e });
    }
    const expanded = planRepositoryImport(plan.repository, remoteTags, plan.target, ctx.settings.maxBulkImport);
    requests = expanded.imports;
    additionalTags = expanded.additionalTags;
  }

  // a tag with a tag policy imports its repository's winning tag (tag-policies.ts)
  const policies = await runImportsWithPolicies(requests, [plan.target], {
    registry: ctx.registry,
    localRegistry: ctx.settings.localRegistry,
    streams: new Map(),
    now,
    defaultImportMode: VERB_DEFAULT_IMPORT_MODE,
    createdCache: await ctx.git?.imageCreatedCache?.(),
  });
  const run = policies.run;
  const [stored] = recordImports(policies.streams, run, now) as [ImageStream];
  // nothing recorded: a new stream is not created, an existing one is written only if the plan changed it
  const recorded = (run.resultsByStream.get(key)?.length ?? 0) > 0;
  const changed = plan.creating ? recorded : stored !== session.streams.get(key);
  const writes: VerbWrites = changed ? await planVerbWrites(ctx, session, [stored], blockedLocalTags(run, [stored])) : { files: [], workloads: [], targets: [], changed: [], warnings: [] };
  if (!plan.dryRun) await writeUncommitted(ctx.workspace, ctx.git, writes.files);

  const out = importImageOutput(run.results, { stream: plan.target.metadata.name, dryRun: plan.dryRun, additionalTags });
  const [head = '', ...info] = out.messages;
  // oc follows the summary with the describe view of what was stored (nothing when nothing was created)
  const described = changed || !plan.creating ? { stream: stored, namespace, now: ctx.clock.now() } : undefined;
  const notices = [
    ...(plan.warnings ?? []).map((w) => `warning: ${w}`),
    ...writes.warnings,
    ...policies.warnings,
    ...out.errors,
  ];
  return {
    messages: [head],
    followed: policies.followed,
    dryRun: plan.dryRun,
    described,
    info,
    problems: session.problems,
    notices,
    exitCode: out.failed ? 1 : 0,
    files: writes.files,
    workloads: writes.workloads,
    targets: writes.targets,
    streams: changed ? [stored] : [],
    changed: writes.changed,
  };
}
