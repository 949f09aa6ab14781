import { RecordKind } from './modules/access/access.policy.js';
import {
  AUDIT_ACTION_ENUMS,
  AUDIT_ACTIONS,
  AUDIT_RESOURCE_TYPES,
  ERROR_CODES,
  ERROR_ENUMS,
} from './catalogue.js';

const owners = (enums: Record<string, Record<string, string>>): Map<string, string[]> => {
  const byValue = new Map<string, string[]>();
  for (const [name, e] of Object.entries(enums)) {
    for (const value of Object.values(e)) byValue.set(value, [...(byValue.get(value) ?? []), name]);
  }
  return byValue;
};

describe('the catalogue of error codes and audit actions', () => {
  it('has snake_case error codes, each claimed by one module', () => {
    expect(ERROR_CODES.filter((c) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(c))).toEqual([]);
    expect([...owners(ERROR_ENUMS)].filter(([, o]) => o.length > 1)).toEqual([]);
  });

  it('has audit actions of the form <resource>.<verb>, each claimed by one module', () => {
    expect(AUDIT_ACTIONS.filter((a) => !/^[a-z_]+\.[a-z_-]+$/.test(a))).toEqual([]);
    expect([...owners(AUDIT_ACTION_ENUMS)].filter(([, o]) => o.length > 1)).toEqual([]);
  });

  it('has snake_case audit resource types, every record kind of the access policy among them', () => {
    expect(AUDIT_RESOURCE_TYPES.filter((r) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(r))).toEqual([]);
    expect(AUDIT_RESOURCE_TYPES).toEqual(expect.arrayContaining(Object.values(RecordKind)));
    expect(AUDIT_RESOURCE_TYPES).toEqual([...AUDIT_RESOURCE_TYPES].sort());
  });
});
