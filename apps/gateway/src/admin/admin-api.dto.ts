import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProblemDetails } from '@offramp/platform';
import { HTTP_METHODS, ROUTE_STATES, type RouteChange, type RouteSpec, type RouteState, type ShadowSettings } from '../routes/route-spec.js';
import type { RouteRevision } from '../routes/route-store.js';
import type { MismatchRecord } from '../shadow/mismatch-store.js';
import type { ShadowRequirements, ShadowVerdict } from '../shadow/promotion-gate.js';
import type { CallerKind, EvidenceBreakdown, MatchCounts, ShadowEvidence } from '../shadow/shadow-stats.js';

// The admin API's answers as the OpenAPI document (libs/contracts/openapi/gateway.openapi.json)
// and its generated client describe them. Each class implements the type the gateway returns, so
// a field added there and not here fails the typecheck instead of leaving the document behind.

/** Any JSON value (a body the monolith or the slice sent, a header's value). */
const ANY_JSON = { oneOf: [{ type: 'object' }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }], nullable: true };

export class ShadowSettingsDto implements ShadowSettings {
  @ApiProperty({ enum: HTTP_METHODS, isArray: true, description: 'Methods copied to the slice', example: ['GET', 'HEAD'] })
  methods!: ShadowSettings['methods'];
  @ApiProperty({ minimum: 0, maximum: 1, description: "Share of the route's requests (of those methods) copied to the slice", example: 1 })
  sampleRate!: number;
  @ApiProperty({ type: [String], description: 'Response headers compared besides the status (lowercase)', example: ['content-type'] })
  headers!: string[];
  @ApiProperty({ type: [String], description: 'JSON paths never compared', example: ['$.meta.generated_at'] })
  ignore!: string[];
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of shadowed requests for which the monolith is asked twice to learn noise' })
  noiseSampleRate!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Match rate promotion out of shadow needs', example: 0.99 })
  threshold!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: '…over at least this many comparisons', example: 100 })
  minSamples!: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: '…of which this many matching 2xx answers of the monolith (default: minSamples)' })
  minSuccessSamples?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: '…and this many of those to logged-in callers (default: minSuccessSamples where the route needs a login)',
  })
  minAuthenticatedSamples?: number;
  @ApiProperty({ type: [String], description: 'JSON paths whose values are never stored in mismatch samples', example: ['$.customer.phone'] })
  redact!: string[];
}

/** One route of the monolith and where it is in its migration. */
export class RouteSpecDto implements RouteSpec {
  @ApiProperty({ description: `* or methods joined by | (${HTTP_METHODS.join(', ')})`, example: 'GET|HEAD' })
  method!: string;
  @ApiProperty({ description: 'Path pattern (`:name` parameters, `?` optional, trailing `*` for the rest)', example: '/api/products/:id' })
  path!: string;
  @ApiProperty({ enum: ROUTE_STATES, enumName: 'RouteState' })
  state!: RouteState;
  @ApiPropertyOptional({ description: 'The slice that answers once the route is out of legacy (a name from GATEWAY_SERVICES)', example: 'api' })
  service?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 600_000, description: 'Upstream timeout for this route' })
  timeoutMs?: number;
  @ApiProperty({ description: 'In service: answer idempotent requests from the monolith when the slice fails' })
  fallback!: boolean;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'In canary: share of callers (0-100) sent to the slice' })
  canaryPercent!: number;
  @ApiProperty({ type: () => ShadowSettingsDto })
  shadow!: ShadowSettingsDto;
  @ApiPropertyOptional({ description: "The monolith's route needs a login (Laravel's auth middleware)" })
  auth?: boolean;
  @ApiPropertyOptional({ description: 'The monolith checks the CSRF token here (absent counts as true)' })
  csrf?: boolean;
  @ApiProperty({ description: 'An encoded slash may stand inside a path segment' })
  encodedSlashes!: boolean;
  @ApiPropertyOptional({ description: 'Laravel/Symfony route name', example: 'api.products.show' })
  name?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      "Regex per parameter of the path or host (Laravel's where, Symfony's requirements), matched against the whole value; a last parameter that may take slashes takes the rest of the path",
    example: { id: '\\d+', _locale: 'en|fr' },
  })
  requirements?: Record<string, string>;
  @ApiPropertyOptional({ description: 'The Host the route answers (without port; parameters as {name})', example: '{partner}.example.com' })
  host?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Parameter defaults (Symfony minus _controller, Laravel defaults()); `?` in the path makes a parameter optional',
    example: { page: '1' },
  })
  defaults?: Record<string, unknown>;
  @ApiPropertyOptional({
    description:
      'Why the gateway cannot match this route as the monolith does (a Symfony condition, a requirement JavaScript cannot read): it never leaves legacy',
  })
  legacyOnly?: string;
}

/** Who changed a route, when and why (one per revision: the audit log). */
export class RouteChangeDto implements RouteChange {
  @ApiProperty({ example: 'jane@ops' }) by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'shadow proof at 99.8%' }) reason!: string;
  @ApiProperty({ example: 'promote shadow→canary' }) action!: string;
  @ApiPropertyOptional({ description: 'The promotion gate was overridden' }) forced?: boolean;
}

export class MatchCountsDto implements MatchCounts {
  @ApiProperty({ type: 'integer' }) matches!: number;
  @ApiProperty({ type: 'integer' }) mismatches!: number;
}

/** Counts by whether the gateway found a logged-in user of the monolith. */
export class CallerKindCountsDto implements Record<CallerKind, MatchCounts> {
  @ApiProperty({ type: () => MatchCountsDto }) authenticated!: MatchCountsDto;
  @ApiProperty({ type: () => MatchCountsDto }) anonymous!: MatchCountsDto;
}

/** Counts by the status class of the monolith's answer. */
export class EvidenceByStatusDto implements EvidenceBreakdown {
  @ApiProperty({ type: () => CallerKindCountsDto }) '1xx'!: CallerKindCountsDto;
  @ApiProperty({ type: () => CallerKindCountsDto }) '2xx'!: CallerKindCountsDto;
  @ApiProperty({ type: () => CallerKindCountsDto }) '3xx'!: CallerKindCountsDto;
  @ApiProperty({ type: () => CallerKindCountsDto }) '4xx'!: CallerKindCountsDto;
  @ApiProperty({ type: () => CallerKindCountsDto }) '5xx'!: CallerKindCountsDto;
}

/** Shadow comparisons of a route, summed over every replica. */
export class ShadowEvidenceDto implements ShadowEvidence {
  @ApiProperty({ type: 'integer' }) matches!: number;
  @ApiProperty({ type: 'integer' }) mismatches!: number;
  @ApiProperty({ type: 'integer' }) samples!: number;
  @ApiProperty({ type: 'number', nullable: true, minimum: 0, maximum: 1, description: 'matches / samples; null without samples' }) rate!: number | null;
  @ApiProperty({ type: () => EvidenceByStatusDto }) byStatus!: EvidenceByStatusDto;
}

export class ShadowRequirementsDto implements ShadowRequirements {
  @ApiProperty() threshold!: number;
  @ApiProperty({ type: 'integer' }) minSamples!: number;
  @ApiProperty({ type: 'integer' }) minSuccessSamples!: number;
  @ApiProperty({ type: 'integer' }) minAuthenticatedSamples!: number;
  @ApiProperty() needsLogin!: boolean;
}

/** Whether the evidence lets the route out of shadow, and what is missing if not. */
export class ShadowVerdictDto implements ShadowVerdict {
  @ApiProperty() promotable!: boolean;
  @ApiProperty({ type: [String], example: ['40 of 100 matching 2xx answers'] }) missing!: string[];
  @ApiProperty({ type: () => ShadowRequirementsDto }) requirements!: ShadowRequirementsDto;
}

export class ListedRouteDto extends RouteSpecDto {
  @ApiProperty({ example: 'GET|HEAD /api/products/:id' }) id!: string;
  @ApiProperty({ type: 'integer', description: 'KV revision of the current value' }) revision!: number;
  @ApiProperty({ type: () => RouteChangeDto }) lastChange!: RouteChangeDto;
  @ApiPropertyOptional({ type: () => ShadowEvidenceDto, description: 'In shadow' }) shadowMatch?: ShadowEvidenceDto;
  @ApiPropertyOptional({ type: () => ShadowVerdictDto, description: 'In shadow' }) shadowGate?: ShadowVerdictDto;
}

export class RouteListDto {
  @ApiProperty({ description: 'The route table has been read from NATS KV' }) loaded!: boolean;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: [ListedRouteDto] }) routes!: ListedRouteDto[];
}

export class SetRouteResultDto {
  @ApiProperty({ type: () => RouteSpecDto }) route!: RouteSpecDto;
}

export class PromotionResultDto {
  @ApiProperty({ type: () => RouteSpecDto }) route!: RouteSpecDto;
  @ApiPropertyOptional({ type: () => ShadowEvidenceDto, description: 'Out of shadow: the evidence it was judged on' }) matchRate?: ShadowEvidenceDto;
  @ApiPropertyOptional({ type: () => ShadowVerdictDto }) shadowGate?: ShadowVerdictDto;
}

export class RollbackResultDto {
  @ApiProperty({ type: [String], description: 'Ids of the routes that went back to legacy' }) rolledBack!: string[];
}

export class ImportResultDto {
  @ApiProperty({ type: [String] }) added!: string[];
  @ApiProperty({ type: [String], description: 'Already in the table, left alone' }) existing!: string[];
  @ApiProperty({
    type: [String],
    description: 'Routes that stay on the monolith (legacyOnly) and why',
    example: ['GET|HEAD /api/stock: stays on the monolith: its condition (request.headers.get(...)) is evaluated by Symfony only'],
  })
  warnings!: string[];
}

/** The route the public listener would match for a method, path and host, as the monolith's router should. */
export class ResolvedRouteDto {
  @ApiProperty({ description: 'A route of the table matches (else the request goes to the monolith unrouted)' }) matched!: boolean;
  @ApiProperty({ description: 'The path as the gateway reads it (decoded once, trailing slashes trimmed)', example: '/blog/2' }) path!: string;
  @ApiPropertyOptional({ example: 'GET|HEAD /blog/:page?' }) id?: string;
  @ApiPropertyOptional({ type: () => RouteSpecDto }) route?: RouteSpecDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The parameters as the router read them',
    example: { page: '2' },
  })
  params?: Record<string, string>;
}

export class RouteRevisionDto implements Omit<RouteRevision, 'route'> {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ format: 'date-time' }) stored!: string;
  @ApiProperty({ enum: ['PUT', 'DEL', 'PURGE'] }) operation!: RouteRevision['operation'];
  @ApiPropertyOptional({ type: () => RouteSpecDto, description: 'Absent for a deleted route' }) route?: RouteSpecDto;
  @ApiProperty({ type: () => RouteChangeDto }) change!: RouteChangeDto;
}

export class RouteHistoryDto {
  @ApiProperty({ type: [RouteRevisionDto], description: 'Oldest first' }) history!: RouteRevisionDto[];
}

export class DifferenceDto {
  @ApiProperty({ example: 'body.data[0].price_cents' }) key!: string;
  @ApiPropertyOptional(ANY_JSON) legacy?: unknown;
  @ApiPropertyOptional(ANY_JSON) service?: unknown;
}

export class SampledRequestDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Redacted' }) headers!: Record<string, unknown>;
}

export class SampledAnswerDto {
  @ApiProperty({ type: 'integer' }) status!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Redacted' }) headers!: Record<string, unknown>;
  @ApiProperty({ ...ANY_JSON, description: 'Redacted: JSON as parsed, text as a string, binary only described' }) body!: unknown;
}

/** One shadow mismatch with its redacted samples. */
export class MismatchDto implements MismatchRecord {
  @ApiProperty() routeId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() requestId!: string;
  @ApiProperty() method!: string;
  @ApiProperty({ description: 'Query values redacted' }) url!: string;
  @ApiProperty({ type: () => SampledRequestDto }) request!: SampledRequestDto;
  @ApiProperty({ type: [DifferenceDto] }) differences!: DifferenceDto[];
  @ApiProperty({ type: () => SampledAnswerDto }) legacy!: SampledAnswerDto;
  @ApiProperty({ type: () => SampledAnswerDto }) service!: SampledAnswerDto;
}

export class ShadowDiffsDto {
  @ApiPropertyOptional({ type: () => ShadowEvidenceDto, description: 'With a route' }) matchRate?: ShadowEvidenceDto;
  @ApiPropertyOptional({ type: () => ShadowVerdictDto, description: 'With a route' }) shadowGate?: ShadowVerdictDto;
  @ApiPropertyOptional({ type: [String], description: 'With a route: JSON paths found to differ between two answers of the monolith' })
  learnedNoise?: string[];
  @ApiProperty({ type: [MismatchDto], description: 'Newest last' }) mismatches!: MismatchDto[];
}

export class InvalidParamDto {
  @ApiProperty({ example: 'reason' }) name!: string;
  @ApiProperty({ example: 'say why: the reason goes into the audit log' }) reason!: string;
}

/** RFC 9457 problem details, as every error of the admin API is answered (application/problem+json). */
export class ProblemDto implements ProblemDetails {
  [extension: string]: unknown;
  @ApiProperty({ example: 'about:blank' }) type!: string;
  @ApiProperty({ example: 'Conflict' }) title!: string;
  @ApiProperty({ type: 'integer', example: 409 }) status!: number;
  @ApiPropertyOptional({ description: 'What went wrong and how to fix it, for people' }) detail?: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({ type: [InvalidParamDto], description: 'On 400: every field at fault' })
  'invalid-params'?: InvalidParamDto[];
}
