import { HTTP_METHODS, type OpenApiDocument, type OpenApiOperation, type OpenApiSchema } from './openapi-types.js';

/**
 * Changes from `base` (the document on main) to `head` that can break a client built against
 * base: a removed path or operation, a removed response field or status, a narrowed type
 * (fewer types or enum values, a format or bound added), a new required input (parameter, body
 * field, or body), a removed input. Additions that no client can trip on are fine.
 */
export function breakingChanges(base: OpenApiDocument, head: OpenApiDocument): string[] {
  const problems: string[] = [];
  for (const [path, baseItem] of Object.entries(base.paths ?? {})) {
    const headItem = head.paths?.[path];
    if (!headItem) {
      problems.push(`path removed: ${path}`);
      continue;
    }
    for (const method of HTTP_METHODS) {
      const before = baseItem[method];
      if (!before) continue;
      const after = headItem[method];
      const where = `${method.toUpperCase()} ${path}`;
      if (!after) problems.push(`operation removed: ${where}`);
      else problems.push(...operationChanges(where, before, after, base, head));
    }
  }
  return problems;
}

function operationChanges(where: string, before: OpenApiOperation, after: OpenApiOperation, base: OpenApiDocument, head: OpenApiDocument): string[] {
  const problems: string[] = [];
  const key = (p: { name: string; in: string }) => `${p.in}:${p.name}`;
  const beforeParams = new Map((before.parameters ?? []).map((p) => [key(p), p]));
  for (const param of after.parameters ?? []) {
    const old = beforeParams.get(key(param));
    if (!old && param.required) problems.push(`${where}: new required ${param.in} parameter ${param.name}`);
    if (old && param.required && !old.required) problems.push(`${where}: ${param.in} parameter ${param.name} became required`);
    if (old) problems.push(...inputNarrowing(`${where} ${param.in} parameter ${param.name}`, old.schema, param.schema, base, head));
  }
  const afterParams = new Set((after.parameters ?? []).map(key));
  for (const [name] of beforeParams) if (!afterParams.has(name)) problems.push(`${where}: parameter ${name} removed`);

  const beforeBody = jsonSchema(before.requestBody?.content);
  const afterBody = jsonSchema(after.requestBody?.content);
  if (after.requestBody?.required && !before.requestBody?.required) problems.push(`${where}: request body became required`);
  if (beforeBody && afterBody) problems.push(...inputNarrowing(`${where} body`, beforeBody, afterBody, base, head));

  for (const [status, response] of Object.entries(before.responses ?? {})) {
    const next = after.responses?.[status];
    if (!next) {
      problems.push(`${where}: response ${status} removed`);
      continue;
    }
    const oldSchema = jsonSchema(response.content);
    const newSchema = jsonSchema(next.content);
    if (oldSchema && !newSchema) problems.push(`${where}: response ${status} lost its JSON body`);
    if (oldSchema && newSchema) problems.push(...outputChanges(`${where} response ${status}`, oldSchema, newSchema, base, head));
  }
  return problems;
}

function jsonSchema(content: Record<string, { schema?: OpenApiSchema }> | undefined): OpenApiSchema | undefined {
  return content?.['application/json']?.schema;
}

function resolve(schema: OpenApiSchema | undefined, doc: OpenApiDocument, seen = new Set<string>()): OpenApiSchema | undefined {
  if (schema?.allOf) return mergeAllOf(schema, doc, seen);
  if (!schema?.$ref) return schema;
  if (seen.has(schema.$ref)) return undefined;
  seen.add(schema.$ref);
  return resolve(doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], doc, seen);
}

/**
 * `allOf` as one schema: what @nestjs/swagger writes for a `$ref` with a description beside it
 * (`{ description, allOf: [{ $ref }] }`), and for composed types. Properties and required fields
 * of every member, the first member's type and enum, the schema's own keys last.
 */
function mergeAllOf({ allOf = [], ...own }: OpenApiSchema, doc: OpenApiDocument, seen: Set<string>): OpenApiSchema {
  const members = allOf.map((member) => resolve(member, doc, new Set(seen)) ?? {});
  const merged: OpenApiSchema = Object.assign({}, ...members.slice().reverse(), own);
  const properties = Object.assign({}, ...members.map((member) => member.properties ?? {}), own.properties ?? {});
  const required = [...new Set([...members.flatMap((member) => member.required ?? []), ...(own.required ?? [])])];
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.length > 0) merged.required = required;
  return merged;
}

function types(schema: OpenApiSchema): Set<string> {
  const list = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const result = new Set(list);
  if (result.has('number')) result.add('integer');
  if (schema.nullable) result.add('null');
  return result;
}

/** Type, enum, format and bounds of one schema node: does `after` accept less than `before`? */
function narrowing(where: string, before: OpenApiSchema, after: OpenApiSchema): string[] {
  const problems: string[] = [];
  const [was, is] = [types(before), types(after)];
  if (was.size > 0 && [...was].some((t) => !is.has(t)) && is.size > 0)
    problems.push(`${where}: type narrowed from ${[...was].join('|')} to ${[...is].join('|')}`);
  if (after.enum && (!before.enum || before.enum.some((v) => !after.enum?.includes(v)))) problems.push(`${where}: enum narrowed`);
  if (after.format && after.format !== before.format) problems.push(`${where}: format ${after.format} added`);
  for (const bound of ['minimum', 'minLength', 'minItems'] as const) {
    if (after[bound] !== undefined && (before[bound] === undefined || after[bound] > before[bound])) problems.push(`${where}: ${bound} raised`);
  }
  for (const bound of ['maximum', 'maxLength', 'maxItems'] as const) {
    if (after[bound] !== undefined && (before[bound] === undefined || after[bound] < before[bound])) problems.push(`${where}: ${bound} lowered`);
  }
  return problems;
}

/** Inputs must not accept less: narrowed types, new required fields, removed fields. */
function inputNarrowing(
  where: string,
  rawBefore: OpenApiSchema | undefined,
  rawAfter: OpenApiSchema | undefined,
  base: OpenApiDocument,
  head: OpenApiDocument,
  depth = 0,
): string[] {
  const before = resolve(rawBefore, base);
  const after = resolve(rawAfter, head);
  if (!before || !after || depth > 20) return [];
  const problems = narrowing(where, before, after);
  const required = new Set(before.required ?? []);
  for (const field of after.required ?? []) if (!required.has(field)) problems.push(`${where}: new required field ${field}`);
  for (const [name, schema] of Object.entries(before.properties ?? {})) {
    const next = after.properties?.[name];
    if (!next) problems.push(`${where}: field ${name} removed`);
    else problems.push(...inputNarrowing(`${where}.${name}`, schema, next, base, head, depth + 1));
  }
  if (before.items && after.items) problems.push(...inputNarrowing(`${where}[]`, before.items, after.items, base, head, depth + 1));
  return problems;
}

/** Outputs must not lose fields or change the types clients read. */
function outputChanges(
  where: string,
  rawBefore: OpenApiSchema | undefined,
  rawAfter: OpenApiSchema | undefined,
  base: OpenApiDocument,
  head: OpenApiDocument,
  depth = 0,
): string[] {
  const before = resolve(rawBefore, base);
  const after = resolve(rawAfter, head);
  if (!before || !after || depth > 20) return [];
  const problems: string[] = [];
  const [was, is] = [types(before), types(after)];
  if (was.size > 0 && is.size > 0 && [...is].some((t) => !was.has(t) && !(t === 'integer' && was.has('number')))) {
    problems.push(`${where}: type changed from ${[...was].join('|')} to ${[...is].join('|')}`);
  }
  if (before.enum && after.enum && after.enum.some((v) => !before.enum?.includes(v))) problems.push(`${where}: enum gained values clients do not know`);
  for (const [name, schema] of Object.entries(before.properties ?? {})) {
    const next = after.properties?.[name];
    if (!next) problems.push(`${where}: field ${name} removed`);
    else problems.push(...outputChanges(`${where}.${name}`, schema, next, base, head, depth + 1));
  }
  if (before.items && after.items) problems.push(...outputChanges(`${where}[]`, before.items, after.items, base, head, depth + 1));
  return problems;
}

/** A breaking change is allowed only with a new major version of the API. */
export function breakingChangeVerdict(base: OpenApiDocument, head: OpenApiDocument): { ok: boolean; problems: string[]; message: string } {
  const problems = breakingChanges(base, head);
  const major = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  const bumped = major(head.info.version) > major(base.info.version);
  const ok = problems.length === 0 || bumped;
  const message =
    problems.length === 0
      ? `${head.info.title}: no breaking change against ${base.info.version}`
      : bumped
        ? `${head.info.title}: ${problems.length} breaking change(s), allowed by the version bump ${base.info.version} → ${head.info.version}`
        : `${head.info.title}: ${problems.length} breaking change(s) without a major version bump (${base.info.version} → ${head.info.version}):\n  ${problems.join('\n  ')}\nFix: keep the old shape, or bump the major version of the service's contract (apps/<service>/src/openapi/*-version.ts) and regenerate.`;
  return { ok, problems, message };
}
