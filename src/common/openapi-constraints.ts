import { ParseUUIDPipe } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import type { Route } from './openapi-route.js';

/**
 * The OpenAPI document's constraints (issue 27): what the class-validator rules of the DTOs enforce, written
 * into the schemas of the components and of the query and path parameters they guard, so the document cannot
 * say less than the code checks. Used by `describeOperations` (openapi.ts).
 */

/** A class, as class-validator keys its metadata. */
type Class = abstract new (...args: never[]) => unknown;

/**
 * class-validator rules the schemas cannot state, and why (every other rule a request DTO uses must be
 * mapped in `applyRule`; the contract test lists any that is neither).
 */
export const RULES_NOT_IN_SCHEMA: Record<string, string> = {
  conditionalValidation: '@ValidateIf: stated by `required` (and `nullable`)',
  isOptional: 'stated by `required` (and `nullable`)',
  nestedValidation: '@ValidateNested: the nested schema is referenced',
  isDefined: 'stated by `required`',
  isString: 'stated by `type: string`',
  isBoolean: 'stated by `type: boolean`',
  isArray: 'stated by `type: array`',
  isObject: 'stated by `type: object`',
  isNumber: 'stated by `type: number`',
  isFinancialYear: 'a real financial year: stated by the pattern its decorator adds and the description',
  isCatalogueCode: 'an audit action or resource type of the catalogue: stated as `enum` by src/app.ts',
};

export type Schema = SchemaObject | ReferenceObject;

export const isReference = (s: Schema): s is ReferenceObject => '$ref' in s;

/** A JavaScript RegExp as an ECMA-262 pattern without flags (OpenAPI has none): `i` spelt out as classes. */
export function patternOf(regex: RegExp): string {
  if (!regex.flags.replace(/[gu]/g, '')) return regex.source;
  if (regex.flags.replace(/[giu]/g, ''))
    throw new Error(`OpenAPI: cannot state /${regex.source}/${regex.flags}`);
  let out = '';
  let inClass = false;
  const src = regex.source;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      out += c + src[++i];
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower === upper) out += c;
    else if (!inClass) out += `[${lower}${upper}]`;
    else if (src[i + 1] === '-' && /[a-z]/i.test(src[i + 2] ?? '')) {
      const end = src[i + 2];
      out += `${lower}-${end.toLowerCase()}${upper}-${end.toUpperCase()}`;
      i += 2;
    } else out += `${lower}${upper}`;
  }
  return out;
}

/** Applies one validator's rule to the schema of the value it checks; false when the rule has no keyword. */
function applyRule(schema: SchemaObject, rule: ValidationMetadata): boolean {
  const [a, b] = (rule.constraints ?? []) as unknown[];
  const set = <K extends keyof SchemaObject>(key: K, value: SchemaObject[K]) => {
    if (schema[key] === undefined) schema[key] = value;
  };
  switch (rule.name) {
    case 'matches':
      set(
        'pattern',
        patternOf(typeof a === 'string' ? new RegExp(a, typeof b === 'string' ? b : '') : (a as RegExp)),
      );
      return true;
    case 'isLength':
      set('minLength', a as number);
      if (b !== undefined) set('maxLength', b as number);
      return true;
    case 'minLength':
      set('minLength', a as number);
      return true;
    case 'maxLength':
      set('maxLength', a as number);
      return true;
    case 'isNotEmpty':
      if (schema.type === 'string') set('minLength', 1);
      return true;
    case 'min':
      set('minimum', a as number);
      return true;
    case 'max':
      set('maximum', a as number);
      return true;
    case 'isInt':
      schema.type = 'integer';
      return true;
    case 'arrayMinSize':
      set('minItems', a as number);
      return true;
    case 'arrayMaxSize':
      set('maxItems', a as number);
      return true;
    case 'arrayUnique':
      set('uniqueItems', true);
      return true;
    case 'isUuid':
      set('format', 'uuid');
      return true;
    case 'isEmail':
      set('format', 'email');
      return true;
    case 'isDateString':
    case 'isIso8601':
      set('format', schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$' ? 'date' : 'date-time');
      return true;
    case 'isIn':
      set('enum', [...(a as unknown[])]);
      return true;
    case 'isEnum':
      set('enum', (b as unknown[] | undefined) ?? [...new Set(Object.values(a as object))]);
      return true;
    default:
      return false;
  }
}

/** The class-validator rules of a class, by property (its own and inherited). */
function rulesOf(target: object): Map<string, ValidationMetadata[]> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(target as Class, '', true, false)) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  return byProperty;
}

/** Every request DTO class with validators, by name (component schemas are named after their class). */
function validatedClasses(): Map<string, object> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Class, unknown[]> };
  return new Map([...storage.validationMetadatas.keys()].map((c) => [c.name, c]));
}

/** The rules a class's validators enforce that no schema keyword states (the contract test wants none). */
export function unstatedRules(target: object): string[] {
  const unstated: string[] = [];
  for (const [property, rules] of rulesOf(target))
    for (const rule of rules) {
      const name = rule.name ?? rule.type;
      if (name in RULES_NOT_IN_SCHEMA) continue;
      if (!applyRule({}, rule)) unstated.push(`${(target as Class).name}.${property}: ${name}`);
    }
  return unstated;
}

/** Applies a property's rules to its schema (to the items' schema for rules with `each`). */
function constrainProperty(schema: Schema, rules: ValidationMetadata[]): void {
  if (isReference(schema)) return;
  for (const rule of rules) {
    if (rule.name === undefined || rule.name in RULES_NOT_IN_SCHEMA) continue;
    let target: Schema | undefined = rule.each ? schema.items : schema;
    if (target && !isReference(target) && target.allOf?.length === 1) target = target.allOf[0];
    if (!target || isReference(target)) continue;
    if ((rule.name === 'isEnum' || rule.name === 'isIn') && (target.enum || target.allOf)) continue;
    applyRule(target, rule);
  }
}

/** Every component schema of a validated class gets its validators' constraints. */
export function constrainSchemas(document: OpenAPIObject): void {
  const classes = validatedClasses();
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const target = classes.get(name);
    if (!target || isReference(schema)) continue;
    for (const [property, rules] of rulesOf(target)) {
      const field = schema.properties?.[property];
      if (field) constrainProperty(field, rules);
    }
  }
}

interface RouteArgument {
  index: number;
  data?: string;
  pipes?: unknown[];
}

/**
 * Query and path parameters get the constraints of the DTO they are read into (`@Query() q: CaseQuery`,
 * `@Param() p: ReferenceParam`), and a path parameter read through a ParseUUIDPipe (`uuidPipe('id')`) is
 * `format: uuid`.
 */
export function constrainParameters(operation: OperationObject, route: Route): void {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.method) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const types = (Reflect.getMetadata('design:paramtypes', route.controller.prototype, route.method) ??
    []) as unknown[];
  const parameters = (operation.parameters ?? []).filter((p): p is ParameterObject => 'in' in p);
  const param = (where: string, name: string) => parameters.find((p) => p.in === where && p.name === name);
  for (const [key, arg] of Object.entries(args)) {
    const kind = Number(key.split(':')[0]);
    const where =
      kind === Number(RouteParamtypes.QUERY)
        ? 'query'
        : kind === Number(RouteParamtypes.PARAM)
          ? 'path'
          : null;
    if (!where) continue;
    if (arg.data === undefined) {
      const dto = types[arg.index];
      if (typeof dto !== 'function') continue;
      for (const [property, rules] of rulesOf(dto)) {
        const parameter = param(where, property);
        if (parameter?.schema) constrainProperty(parameter.schema, rules);
      }
    } else if (where === 'path') {
      const uuid = (arg.pipes ?? []).some((p) => p instanceof ParseUUIDPipe || p === ParseUUIDPipe);
      const parameter = param('path', arg.data);
      if (uuid && parameter) {
        parameter.schema = { type: 'string', format: 'uuid' };
        parameter.example ??= '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70';
      }
    }
  }
}
