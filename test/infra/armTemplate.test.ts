/**
 * Infra contract tests: compile infra/main.bicep with the Bicep CLI and check the ARM JSON.
 *
 * The template is evaluated, not grepped: a small evaluator for ARM template expressions
 * ("[format('{0}/runs/', parameters('c'))]") binds the parameters, follows module parameters
 * into nested deployments and module outputs back out, and leaves what only Azure knows at
 * deployment time (reference() to a resource, uniqueString ...) as symbolic values that still say
 * what they are ("Microsoft.ManagedIdentity/userAssignedIdentities(id-x).principalId"). Secure
 * parameters and list*() results are tainted, so an output or app setting carrying one is caught.
 *
 * The Bicep CLI: $BICEP_CLI, else `bicep` on PATH, else .local/tools/bicep/bicep (restored by
 * scripts/bicep.sh). Nothing is downloaded here; without a CLI the template tests are skipped
 * (or fail, with REQUIRE_BICEP_CLI=1).
 * The evaluator's own tests and the "checks can fail" tests on hand-made templates always run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../../src/config/settings.js';

// ---------------------------------------------------------------------------------------------
// JSON and evaluated values

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

const OPAQUE: unique symbol = Symbol('opaque');

/** A value only Azure knows at deployment time, described symbolically. */
interface Opaque {
  readonly [OPAQUE]: true;
  /** What it is, e.g. `Microsoft.Insights/components(appi-x)` or `uniqueString(...)`. */
  readonly base: string;
  /** Derived from a secure parameter or a list*() call. */
  readonly secret: boolean;
  /** Set when it is (a property of) a reference() to a resource. */
  readonly ref: ResourceRef | undefined;
  readonly path: readonly string[];
}

function opaque(
  base: string,
  secret: boolean,
  ref?: ResourceRef,
  path: readonly string[] = [],
): Opaque {
  return { [OPAQUE]: true, base, secret, ref, path };
}

function isOpaque(v: unknown): v is Opaque {
  return typeof v === 'object' && v !== null && OPAQUE in v;
}

/** `base.path...` */
function descOf(o: Opaque): string {
  return [o.base, ...o.path].join('.');
}

/** How an Opaque reads inside strings: «...». */
function fmtOpaque(o: Opaque): string {
  return `«${descOf(o)}»`;
}

interface ResourceRef {
  readonly type: string;
  readonly name: string;
  /** For a nested deployment: its scope, so `.outputs.x.value` resolves to the module output. */
  readonly deployment?: Scope;
  /** reference(x, apiVersion, 'Full'): properties sit under `.properties`. */
  readonly full: boolean;
}

type Value = null | boolean | number | string | Opaque | Value[] | { [key: string]: Value };
type ValueObject = Record<string, Value>;

function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isValueArray(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

function isValueObject(v: Value | undefined): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isOpaque(v);
}

function show(v: Value | undefined): string {
  if (v === undefined) return 'undefined';
  if (isOpaque(v)) return fmtOpaque(v);
  return JSON.stringify(v, (_k, x: unknown) => (isOpaque(x) ? fmtOpaque(x) : x));
}

/** Every Opaque inside a value. */
function opaquesIn(v: Value | undefined): Opaque[] {
  if (isOpaque(v)) return [v];
  if (Array.isArray(v)) return v.flatMap(opaquesIn);
  if (isValueObject(v)) return Object.values(v).flatMap(opaquesIn);
  return [];
}

function isSecret(v: Value | undefined): boolean {
  return opaquesIn(v).some((o) => o.secret);
}

/** Property access on an evaluated value; undefined when absent. */
function at(v: Value | undefined, ...keys: string[]): Value | undefined {
  let cur = v;
  for (const key of keys) {
    if (isOpaque(cur)) cur = getProperty(cur, key);
    else if (isValueObject(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// ARM expression language: tokenizer and parser

type Node =
  | { readonly kind: 'lit'; readonly value: string | number | boolean | null }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'prop'; readonly target: Node; readonly name: string }
  | { readonly kind: 'index'; readonly target: Node; readonly index: Node };

type Token =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'id'; readonly v: string }
  | { readonly t: 'punct'; readonly v: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        const d = src.charAt(i);
        if (d === "'") {
          if (src.charAt(i + 1) === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += d;
        i++;
      }
      tokens.push({ t: 'str', v: s });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new Error(`bad number at ${String(i)} in ${src}`);
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
      if (!m) throw new Error(`bad identifier at ${String(i)} in ${src}`);
      tokens.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if ('()[],.'.includes(c)) {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new Error(`unexpected ${c} at ${String(i)} in ${src}`);
    }
  }
  return tokens;
}

function parseExpression(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isPunct = (v: string): boolean => {
    const tok = peek();
    return tok?.t === 'punct' && tok.v === v;
  };
  const expect = (v: string): void => {
    if (!isPunct(v)) throw new Error(`expected '${v}' at token ${String(pos)} in ${src}`);
    pos++;
  };
  const primary = (): Node => {
    const tok = peek();
    if (!tok) throw new Error(`unexpected end of ${src}`);
    pos++;
    if (tok.t === 'str' || tok.t === 'num') return { kind: 'lit', value: tok.v };
    if (tok.t !== 'id') throw new Error(`unexpected '${tok.v}' in ${src}`);
    // A function name may be namespaced (user-defined functions: ns.fn(...)).
    let name = tok.v;
    while (isPunct('.') && tokens[pos + 1]?.t === 'id' && tokens[pos + 2]?.v === '(') {
      name += `.${String(tokens[pos + 1]?.v)}`;
      pos += 2;
    }
    if (!isPunct('(')) {
      if (name === 'true' || name === 'false') return { kind: 'lit', value: name === 'true' };
      if (name === 'null') return { kind: 'lit', value: null };
      throw new Error(`bare identifier ${name} in ${src}`);
    }
    expect('(');
    const args: Node[] = [];
    while (!isPunct(')')) {
      args.push(expression());
      if (!isPunct(')')) expect(',');
    }
    expect(')');
    return { kind: 'call', name, args };
  };
  const expression = (): Node => {
    let node = primary();
    for (;;) {
      if (isPunct('.')) {
        pos++;
        const tok = peek();
        if (tok?.t !== 'id') throw new Error(`expected a property name in ${src}`);
        pos++;
        node = { kind: 'prop', target: node, name: tok.v };
      } else if (isPunct('[')) {
        pos++;
        const index = expression();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  };
  const node = expression();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${src}`);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Evaluation scopes: one per (nested) template

const DEPLOYMENTS = 'Microsoft.Resources/deployments';
const FAKE_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const FAKE_TENANT = '11111111-1111-1111-1111-111111111111';

interface Scope {
  readonly label: string;
  readonly template: JsonObject;
  readonly params: ReadonlyMap<string, Value>;
  readonly resourceGroup: string;
  readonly variables: Map<string, Value>;
  readonly children: Map<string, Scope>;
  readonly outputs: Map<string, Value>;
}

interface ResourceEntry {
  readonly symbol: string;
  readonly raw: JsonObject;
  readonly scope: Scope;
}

function resourceEntries(scope: Scope): ResourceEntry[] {
  const resources = scope.template.resources;
  if (Array.isArray(resources)) {
    return resources
      .filter(isJsonObject)
      .map((raw, i) => ({ symbol: `#${String(i)}`, raw, scope }));
  }
  if (isJsonObject(resources)) {
    return Object.entries(resources).flatMap(([symbol, raw]) =>
      isJsonObject(raw) ? [{ symbol, raw, scope }] : [],
    );
  }
  return [];
}

function typeOf(entry: ResourceEntry): string {
  const type = entry.raw.type;
  if (typeof type !== 'string') throw new Error(`resource ${entry.symbol} has no type`);
  return type;
}

function nameOf(entry: ResourceEntry): string {
  const name = evalJson(entry.raw.name ?? null, entry.scope);
  return str(name);
}

/** Declared parameters of a template: name -> declaration (with $ref types resolved). */
function paramDeclarations(template: JsonObject): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const params = template.parameters;
  if (!isJsonObject(params)) return out;
  for (const [name, decl] of Object.entries(params)) {
    if (isJsonObject(decl)) out.set(name, resolveTypeRef(template, decl));
  }
  return out;
}

/** A declaration with its `$ref` (user-defined type) merged in. */
function resolveTypeRef(template: JsonObject, decl: JsonObject): JsonObject {
  const ref = decl.$ref;
  if (typeof ref !== 'string') return decl;
  const m = /^#\/definitions\/(.+)$/.exec(ref);
  const defs = template.definitions;
  const def = m && isJsonObject(defs) ? defs[m[1] ?? ''] : undefined;
  if (!isJsonObject(def)) throw new Error(`unresolved type ${ref}`);
  return { ...resolveTypeRef(template, def), ...decl };
}

function isSecureDeclaration(decl: JsonObject): boolean {
  const type = decl.type;
  return typeof type === 'string' && type.toLowerCase().startsWith('secure');
}

function makeScope(
  label: string,
  template: JsonObject,
  explicit: ReadonlyMap<string, Value>,
  resourceGroup: string,
): Scope {
  const params = new Map<string, Value>();
  const scope: Scope = {
    label,
    template,
    params,
    resourceGroup,
    variables: new Map(),
    children: new Map(),
    outputs: new Map(),
  };
  for (const [name, decl] of paramDeclarations(template)) {
    let value: Value;
    if (explicit.has(name)) value = explicit.get(name) ?? null;
    else if ('defaultValue' in decl) value = evalJson(decl.defaultValue ?? null, scope);
    else throw new Error(`${label}: no value for required parameter ${name}`);
    // A secure parameter is secret whatever it holds.
    params.set(name, isSecureDeclaration(decl) ? opaque(`secure:${name}`, true) : value);
  }
  for (const name of explicit.keys()) {
    if (!params.has(name)) throw new Error(`${label}: value for undeclared parameter ${name}`);
  }
  return scope;
}

/** Root scope: bindings for the main template's parameters (others take their defaults). */
function rootScope(template: JsonObject, bindings: Readonly<Record<string, Value>>): Scope {
  return makeScope('main', template, new Map(Object.entries(bindings)), 'rg-test');
}

/** The scope of a nested deployment (a Bicep module). */
function childScope(entry: ResourceEntry): Scope {
  const cached = entry.scope.children.get(entry.symbol);
  if (cached) return cached;
  const props = entry.raw.properties;
  const template = isJsonObject(props) ? props.template : undefined;
  if (!isJsonObject(props) || !isJsonObject(template)) {
    throw new Error(`deployment ${entry.symbol} has no inline template`);
  }
  const explicit = new Map<string, Value>();
  const passed = props.parameters;
  if (isJsonObject(passed)) {
    for (const [name, p] of Object.entries(passed)) {
      // `{ value: ... }`, or one expression that yields it (Bicep compiles a conditional module
      // argument, `c ? a : b`, to "[if(c, createObject('value', a), createObject('value', b))]").
      if (isJsonObject(p) && 'value' in p) {
        explicit.set(name, evalJson(p.value ?? null, entry.scope));
        continue;
      }
      const param = typeof p === 'string' ? evalJson(p, entry.scope) : undefined;
      if (!isValueObject(param) || !('value' in param)) {
        throw new Error(`parameter ${name} is not a value: ${show(param)}`);
      }
      explicit.set(name, param.value ?? null);
    }
  }
  const rg = entry.raw.resourceGroup;
  const resourceGroup =
    rg === undefined ? entry.scope.resourceGroup : str(evalJson(rg, entry.scope));
  const child = makeScope(
    `${entry.scope.label}/${entry.symbol}`,
    template,
    explicit,
    resourceGroup,
  );
  entry.scope.children.set(entry.symbol, child);
  return child;
}

function evalVariable(scope: Scope, name: string): Value {
  if (scope.variables.has(name)) return scope.variables.get(name) ?? null;
  const vars = scope.template.variables;
  if (!isJsonObject(vars) || !(name in vars))
    throw new Error(`${scope.label}: no variable ${name}`);
  const value = evalJson(vars[name] ?? null, scope);
  scope.variables.set(name, value);
  return value;
}

function evalOutput(scope: Scope, name: string): Value {
  if (scope.outputs.has(name)) return scope.outputs.get(name) ?? null;
  const outputs = scope.template.outputs;
  const out = isJsonObject(outputs) ? outputs[name] : undefined;
  if (!isJsonObject(out)) throw new Error(`${scope.label}: no output ${name}`);
  let value = evalJson(out.value ?? null, scope);
  const type = out.type;
  if (typeof type === 'string' && type.toLowerCase().startsWith('secure')) {
    value = opaque(`secureOutput:${name}`, true);
  }
  scope.outputs.set(name, value);
  return value;
}

/** Deployed (not `existing`, condition true) resources, nested deployments included. */
function deployedResources(scope: Scope): ResourceEntry[] {
  const out: ResourceEntry[] = [];
  for (const entry of resourceEntries(scope)) {
    if (entry.raw.existing === true) continue;
    if ('condition' in entry.raw) {
      const cond = evalJson(entry.raw.condition ?? null, scope);
      if (cond === false) continue;
      if (cond !== true) throw new Error(`${scope.label}/${entry.symbol}: condition ${show(cond)}`);
    }
    out.push(entry);
    if (typeOf(entry) === DEPLOYMENTS) out.push(...deployedResources(childScope(entry)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Evaluates a JSON value whose strings may be ARM expressions ("[...]"). */
function evalJson(json: Json, scope: Scope): Value {
  if (typeof json === 'string') {
    if (json.startsWith('[[')) return json.slice(1);
    if (json.startsWith('[') && json.endsWith(']')) {
      return evalNode(parseExpression(json.slice(1, -1)), scope);
    }
    return json;
  }
  if (Array.isArray(json)) return json.map((x) => evalJson(x, scope));
  if (isJsonObject(json)) {
    const out: ValueObject = {};
    for (const [k, v] of Object.entries(json)) {
      const key = evalJson(k, scope);
      out[str(key)] = evalJson(v, scope);
    }
    return out;
  }
  return json;
}

/** Evaluates one resource (not a deployment: its template belongs to another scope). */
function evalResource(entry: ResourceEntry): ValueObject {
  if (typeOf(entry) === DEPLOYMENTS) throw new Error('evaluate a deployment through childScope');
  const v = evalJson(entry.raw, entry.scope);
  if (!isValueObject(v)) throw new Error('resource is not an object');
  return v;
}

function getProperty(target: Value, key: string): Value {
  if (isOpaque(target)) {
    const ref = target.ref;
    if (ref?.full && target.path.length === 0 && key === 'properties') {
      return opaque(target.base, target.secret, { ...ref, full: false });
    }
    const next = [...target.path, key];
    if (ref?.deployment && next.length === 3 && next[0] === 'outputs' && next[2] === 'value') {
      return evalOutput(ref.deployment, next[1] ?? '');
    }
    return opaque(target.base, target.secret, ref, next);
  }
  if (isValueObject(target)) {
    if (!(key in target)) throw new Error(`no property ${key} in ${show(target)}`);
    return target[key] ?? null;
  }
  if (Array.isArray(target) && typeof key === 'string' && /^\d+$/.test(key)) {
    return target[Number(key)] ?? null;
  }
  throw new Error(`cannot read ${key} of ${show(target)}`);
}

function str(v: Value): string {
  if (isOpaque(v)) return fmtOpaque(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Joins parts into a string, or an Opaque when one of them is. */
function joinParts(parts: readonly Value[]): Value {
  const text = parts.map(str).join('');
  const opaques = parts.filter(isOpaque);
  if (opaques.length === 0) return text;
  return opaque(
    text,
    opaques.some((o) => o.secret),
  );
}

function opaqueCall(name: string, args: readonly Value[]): Opaque {
  return opaque(`${name}(${args.map(str).join(', ')})`, args.some(isSecret));
}

function resourcePath(type: string, names: readonly Value[]): string {
  const [ns, ...types] = type.split('/');
  if (!ns || types.length !== names.length) throw new Error(`bad resource id ${type}`);
  return [ns, ...types.flatMap((t, i) => [t, str(names[i] ?? null)])].join('/');
}

/** resourceId([subscriptionId], [resourceGroup], type, name...) and friends. */
function resourceIdOf(args: readonly Value[], scope: Scope): string {
  const typeIndex = args.findIndex((a) => typeof a === 'string' && a.includes('/'));
  if (typeIndex < 0) throw new Error(`resourceId without a type: ${args.map(str).join(', ')}`);
  const before = args.slice(0, typeIndex).map(str);
  const sub = before.length === 2 ? before[0] : FAKE_SUBSCRIPTION;
  const rg = before.length >= 1 ? before[before.length - 1] : scope.resourceGroup;
  const type = str(args[typeIndex] ?? null);
  const rest = resourcePath(type, args.slice(typeIndex + 1));
  return `/subscriptions/${String(sub)}/resourceGroups/${String(rg)}/providers/${rest}`;
}

/** Type and name from a resource ID (`.../providers/Ns/type/name/child/name`). */
function parseResourceId(id: string): { type: string; name: string } | undefined {
  const i = id.lastIndexOf('/providers/');
  if (i < 0) return undefined;
  const [ns, ...rest] = id.slice(i + '/providers/'.length).split('/');
  if (!ns || rest.length === 0 || rest.length % 2 !== 0) return undefined;
  const types = rest.filter((_, k) => k % 2 === 0);
  const names = rest.filter((_, k) => k % 2 === 1);
  return { type: [ns, ...types].join('/'), name: names.join('/') };
}

function referenceTo(target: Value, full: boolean, scope: Scope): Opaque {
  if (typeof target === 'string') {
    // Symbolic name (languageVersion 2.0) or resource name (1.0).
    const entries = resourceEntries(scope);
    const entry =
      entries.find((e) => e.symbol === target) ??
      entries.find((e) => !target.includes('/providers/') && nameOf(e) === target);
    if (entry) {
      const type = typeOf(entry);
      const name = nameOf(entry);
      const deployment = type === DEPLOYMENTS ? childScope(entry) : undefined;
      return opaque(`${type}(${name})`, false, { type, name, deployment, full });
    }
    const parsed = parseResourceId(target);
    if (parsed) {
      const dep =
        parsed.type === DEPLOYMENTS
          ? entries.find((e) => typeOf(e) === DEPLOYMENTS && nameOf(e) === parsed.name)
          : undefined;
      const deployment = dep ? childScope(dep) : undefined;
      return opaque(`${parsed.type}(${parsed.name})`, false, { ...parsed, deployment, full });
    }
  }
  return opaque(`reference(${str(target)})`, isSecret(target));
}

function truthy(v: Value): boolean | Opaque {
  if (isOpaque(v)) return v;
  if (typeof v !== 'boolean') throw new Error(`not a boolean: ${show(v)}`);
  return v;
}

function deepEqual(a: Value, b: Value): boolean {
  return show(a) === show(b);
}

function isEmpty(v: Value): boolean {
  if (v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isValueObject(v)) return Object.keys(v).length === 0;
  return false;
}

function evalNode(node: Node, scope: Scope): Value {
  switch (node.kind) {
    case 'lit':
      return node.value;
    case 'prop':
      return getProperty(evalNode(node.target, scope), node.name);
    case 'index': {
      const target = evalNode(node.target, scope);
      const index = evalNode(node.index, scope);
      if (isOpaque(index)) return opaque(`${str(target)}[${fmtOpaque(index)}]`, true);
      return getProperty(target, str(index));
    }
    case 'call':
      return evalCall(node.name, node.args, scope);
  }
}

function evalCall(name: string, argNodes: readonly Node[], scope: Scope): Value {
  const fn = name.toLowerCase();
  // Lazily evaluated functions first.
  if (fn === 'if') {
    const [c, a, b] = argNodes;
    if (!c || !a || !b) throw new Error('if() takes 3 arguments');
    const cond = truthy(evalNode(c, scope));
    if (isOpaque(cond)) {
      return opaque(`if(${descOf(cond)}, ...)`, cond.secret || isSecret(evalNode(a, scope)));
    }
    return evalNode(cond ? a : b, scope);
  }
  const args = argNodes.map((a) => evalNode(a, scope));
  const arg = (i: number): Value => {
    if (i >= args.length) throw new Error(`${name}() needs argument ${String(i + 1)}`);
    return args[i] ?? null;
  };
  if (fn.startsWith('list')) return opaque(`${name}(...)`, true);
  switch (fn) {
    case 'parameters': {
      const p = str(arg(0));
      if (!scope.params.has(p)) throw new Error(`${scope.label}: no parameter ${p}`);
      return scope.params.get(p) ?? null;
    }
    case 'variables':
      return evalVariable(scope, str(arg(0)));
    case 'createarray':
      return args;
    case 'createobject': {
      const out: ValueObject = {};
      for (let i = 0; i + 1 < args.length; i += 2) out[str(arg(i))] = arg(i + 1);
      return out;
    }
    case 'flatten': {
      const list = arg(0);
      if (!isValueArray(list)) return opaqueCall(name, args);
      return list.flatMap((x) => (isValueArray(x) ? x : [x]));
    }
    case 'concat':
      if (args.every(isValueArray)) return args.flatMap((a) => a);
      return joinParts(args);
    case 'union':
      if (args.every(isValueObject)) return Object.assign({}, ...args) as ValueObject;
      if (args.every(isValueArray)) {
        const seen = new Map<string, Value>();
        for (const x of args.flatMap((a) => a)) seen.set(show(x), x);
        return [...seen.values()];
      }
      return opaqueCall(name, args);
    case 'format': {
      const fmt = arg(0);
      if (typeof fmt !== 'string') return opaqueCall(name, args);
      const parts: Value[] = [];
      let last = 0;
      for (const m of fmt.matchAll(/\{(\d+)(:[^}]*)?\}/g)) {
        parts.push(fmt.slice(last, m.index));
        parts.push(arg(Number(m[1]) + 1));
        last = m.index + m[0].length;
      }
      parts.push(fmt.slice(last));
      return joinParts(parts);
    }
    case 'equals':
      if (args.some((a) => isOpaque(a))) return opaqueCall(name, args);
      return deepEqual(arg(0), arg(1));
    case 'not': {
      const v = truthy(arg(0));
      return isOpaque(v) ? opaqueCall(name, args) : !v;
    }
    case 'and':
    case 'or': {
      const vs = args.map(truthy);
      if (vs.some((v) => isOpaque(v))) return opaqueCall(name, args);
      return fn === 'and' ? vs.every((v) => v === true) : vs.some((v) => v === true);
    }
    case 'empty':
      return isOpaque(arg(0)) ? opaqueCall(name, args) : isEmpty(arg(0));
    case 'tolower':
    case 'toupper': {
      const v = arg(0);
      if (typeof v !== 'string') return opaqueCall(name, args);
      return fn === 'tolower' ? v.toLowerCase() : v.toUpperCase();
    }
    case 'string':
      return typeof arg(0) === 'string' ? arg(0) : joinParts([arg(0)]);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'subscription':
      return {
        id: `/subscriptions/${FAKE_SUBSCRIPTION}`,
        subscriptionId: FAKE_SUBSCRIPTION,
        tenantId: FAKE_TENANT,
      };
    case 'tenant':
      return { tenantId: FAKE_TENANT };
    case 'resourcegroup':
      return {
        id: `/subscriptions/${FAKE_SUBSCRIPTION}/resourceGroups/${scope.resourceGroup}`,
        name: scope.resourceGroup,
      };
    case 'deployment':
      return { name: 'test-deployment' };
    case 'environment':
      // The public cloud's values, so names built from them (private DNS zones) can be checked.
      return {
        name: 'AzureCloud',
        suffixes: { storage: 'core.windows.net', keyvaultDns: '.vault.azure.net' },
      };
    case 'replace': {
      const [v, from, to] = [arg(0), arg(1), arg(2)];
      if (typeof v !== 'string' || typeof from !== 'string' || typeof to !== 'string') {
        return opaqueCall(name, args);
      }
      return v.split(from).join(to);
    }
    case 'resourceid':
      if (args.some((a) => isOpaque(a))) return opaqueCall(name, args);
      return resourceIdOf(args, scope);
    case 'subscriptionresourceid': {
      if (args.some((a) => isOpaque(a))) return opaqueCall(name, args);
      const typeIndex = args.findIndex((a) => typeof a === 'string' && a.includes('/'));
      const sub = typeIndex === 1 ? str(arg(0)) : FAKE_SUBSCRIPTION;
      const rest = resourcePath(str(arg(typeIndex)), args.slice(typeIndex + 1));
      return `/subscriptions/${sub}/providers/${rest}`;
    }
    case 'reference': {
      const mode = args[2];
      return referenceTo(arg(0), typeof mode === 'string' && mode.toLowerCase() === 'full', scope);
    }
    case 'uniquestring':
    case 'guid': {
      // Deterministic stand-ins (not Azure's hashes): same inputs, same value.
      if (args.some((a) => isOpaque(a))) return opaqueCall(name, args);
      const hash = createHash('sha256').update(args.map(str).join('|')).digest('hex');
      if (fn === 'uniquestring') return `u${hash.slice(0, 12)}`;
      return [0, 8, 12, 16, 20, 32]
        .reduce<string[]>(
          (parts, end, i, ends) => (i === 0 ? parts : [...parts, hash.slice(ends[i - 1], end)]),
          [],
        )
        .join('-');
    }
    default:
      // environment(), take(), ...: fine to leave symbolic.
      return opaqueCall(name, args);
  }
}

// ---------------------------------------------------------------------------------------------
// The model the checks work on

const ROLE = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

const FORBIDDEN_ROLES = new Set<string>([
  ROLE.owner,
  ROLE.contributor,
  ROLE.userAccessAdministrator,
]);

const TYPE = {
  site: 'Microsoft.Web/sites',
  plan: 'Microsoft.Web/serverfarms',
  storage: 'Microsoft.Storage/storageAccounts',
  container: 'Microsoft.Storage/storageAccounts/blobServices/containers',
  lifecycle: 'Microsoft.Storage/storageAccounts/managementPolicies',
  vault: 'Microsoft.KeyVault/vaults',
  appInsights: 'Microsoft.Insights/components',
  workspace: 'Microsoft.OperationalInsights/workspaces',
  identity: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  roleAssignment: 'Microsoft.Authorization/roleAssignments',
  publishingPolicy: 'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
  blobService: 'Microsoft.Storage/storageAccounts/blobServices',
  diagnostics: 'Microsoft.Insights/diagnosticSettings',
  vnet: 'Microsoft.Network/virtualNetworks',
  privateEndpoint: 'Microsoft.Network/privateEndpoints',
  dnsZoneGroup: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
  dnsZone: 'Microsoft.Network/privateDnsZones',
  dnsZoneLink: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  alertRule: 'Microsoft.Insights/scheduledQueryRules',
  actionGroup: 'Microsoft.Insights/actionGroups',
} as const;

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly where: string;
  readonly raw: JsonObject;
  readonly body: ValueObject;
}

interface Model {
  readonly root: Scope;
  readonly resources: readonly Resource[];
}

function buildModel(template: JsonObject, bindings: Readonly<Record<string, Value>>): Model {
  const root = rootScope(template, bindings);
  const resources = deployedResources(root)
    .filter((e) => typeOf(e) !== DEPLOYMENTS)
    .map((e) => ({
      type: typeOf(e),
      name: nameOf(e),
      where: `${e.scope.label}/${e.symbol}`,
      raw: e.raw,
      body: evalResource(e),
    }));
  return { root, resources };
}

function ofType(model: Model, type: string): Resource[] {
  return model.resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

function single(model: Model, type: string): Resource {
  const found = ofType(model, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${String(found.length)}`);
  }
  return found[0] as Resource;
}

/** Last segment of a (child) resource name: st1/default/todo-sync -> todo-sync. */
function leafName(name: string): string {
  return name.split('/').pop() ?? name;
}

/** Is v (a property of) a reference to the resource of that type and name? */
function refersTo(v: Value | undefined, type: string, name: string, ...path: string[]): boolean {
  return (
    isOpaque(v) &&
    v.ref?.type.toLowerCase() === type.toLowerCase() &&
    v.ref.name === name &&
    v.path.join('.') === path.join('.')
  );
}

function appSettings(site: Resource): Map<string, Value> {
  const list = at(site.body, 'properties', 'siteConfig', 'appSettings');
  if (!Array.isArray(list)) throw new Error(`appSettings of ${site.name} is ${show(list)}`);
  const out = new Map<string, Value>();
  for (const item of list) {
    const name = at(item, 'name');
    if (typeof name !== 'string')
      throw new Error(`app setting without a literal name: ${show(item)}`);
    if (out.has(name)) throw new Error(`app setting ${name} is set twice`);
    out.set(name, at(item, 'value') ?? null);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns the problems it finds (empty = pass)

function checkSecurityBaseline(model: Model): string[] {
  const problems: string[] = [];
  const expect = (r: Resource, keys: string[], want: Value): void => {
    const got = at(r.body, ...keys);
    if (!deepEqual(got ?? null, want)) {
      problems.push(`${r.type} ${r.name}: ${keys.join('.')} is ${show(got)}, want ${show(want)}`);
    }
  };
  for (const site of ofType(model, TYPE.site)) {
    expect(site, ['properties', 'httpsOnly'], true);
    expect(site, ['properties', 'siteConfig', 'minTlsVersion'], '1.2');
    expect(site, ['properties', 'siteConfig', 'ftpsState'], 'Disabled');
    // Basic-auth publishing off for both FTP and the scm site (deployments use Entra ID).
    for (const kind of ['ftp', 'scm']) {
      const policy = ofType(model, TYPE.publishingPolicy).find(
        (r) => r.name === `${site.name}/${kind}`,
      );
      if (!policy) problems.push(`site ${site.name}: no ${kind} basicPublishingCredentialsPolicy`);
      else expect(policy, ['properties', 'allow'], false);
    }
  }
  for (const st of ofType(model, TYPE.storage)) {
    expect(st, ['properties', 'allowSharedKeyAccess'], false);
    expect(st, ['properties', 'allowBlobPublicAccess'], false);
    expect(st, ['properties', 'minimumTlsVersion'], 'TLS1_2');
    expect(st, ['properties', 'supportsHttpsTrafficOnly'], true);
  }
  for (const c of ofType(model, TYPE.container)) {
    const access = at(c.body, 'properties', 'publicAccess');
    if (access !== undefined && access !== 'None') {
      problems.push(`container ${c.name}: publicAccess ${show(access)}`);
    }
  }
  for (const kv of ofType(model, TYPE.vault)) {
    expect(kv, ['properties', 'enableRbacAuthorization'], true);
    expect(kv, ['properties', 'enablePurgeProtection'], true);
    expect(kv, ['properties', 'enableSoftDelete'], true);
    const days = at(kv.body, 'properties', 'softDeleteRetentionInDays');
    if (typeof days !== 'number' || days < 7 || days > 90) {
      problems.push(`vault ${kv.name}: softDeleteRetentionInDays ${show(days)}`);
    }
    if (at(kv.body, 'properties', 'accessPolicies') !== undefined) {
      problems.push(`vault ${kv.name}: has access policies (RBAC only)`);
    }
  }
  for (const ai of ofType(model, TYPE.appInsights)) {
    expect(ai, ['properties', 'DisableLocalAuth'], true);
  }
  if (ofType(model, TYPE.site).length === 0) problems.push('no function app');
  if (ofType(model, TYPE.storage).length === 0) problems.push('no storage account');
  if (ofType(model, TYPE.vault).length === 0) problems.push('no key vault');
  if (ofType(model, TYPE.appInsights).length === 0) problems.push('no Application Insights');
  return problems;
}

/** Parameter names that could carry a secret value (names of secrets are fine). */
const SECRET_NAME = /secret|password|passwd|pwd|token|connectionstring|apikey|accesskey|sas|pfx/i;
const SECRET_NAME_OK = /(Name|Names|Mode|Uri|Url|Id)$/;

function allScopes(scope: Scope): Scope[] {
  const out = [scope];
  for (const entry of resourceEntries(scope)) {
    if (typeOf(entry) === DEPLOYMENTS) out.push(...allScopes(childScope(entry)));
  }
  return out;
}

function checkSecrets(model: Model): string[] {
  const problems: string[] = [];
  for (const scope of allScopes(model.root)) {
    const text =
      JSON.stringify(scope.template.resources ?? null) +
      JSON.stringify(scope.template.outputs ?? null);
    for (const m of text.matchAll(/\blist[A-Za-z]*\(/g)) {
      problems.push(`${scope.label}: calls ${m[0]}...) (no keys, connection strings or secrets)`);
    }
    for (const [name, decl] of paramDeclarations(scope.template)) {
      if (SECRET_NAME.test(name) && !SECRET_NAME_OK.test(name) && !isSecureDeclaration(decl)) {
        problems.push(`${scope.label}: parameter ${name} looks secret but is not @secure()`);
      }
    }
    const outputs = scope.template.outputs;
    for (const name of isJsonObject(outputs) ? Object.keys(outputs) : []) {
      if (isSecret(evalOutput(scope, name))) {
        problems.push(`${scope.label}: output ${name} carries a secure parameter or list*() value`);
      }
    }
  }
  for (const site of ofType(model, TYPE.site)) {
    for (const [name, value] of appSettings(site)) {
      if (isSecret(value)) problems.push(`app setting ${name} carries a secret value`);
    }
  }
  return problems;
}

/** App settings the Flex Consumption plan rejects, or that would bypass identity-based access. */
const FLEX_FORBIDDEN_SETTINGS = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTOVERVNET',
  'WEBSITE_TIME_ZONE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
  'AzureWebJobsStorage',
  'CLIENT_SECRET',
];

/** Site and siteConfig properties that Flex Consumption does not support (runtime and scale
 * live in functionAppConfig there). */
const FLEX_UNSUPPORTED_PROPERTIES = [
  ['properties', 'containerSize'],
  ['properties', 'dailyMemoryTimeQuota'],
  ['properties', 'siteConfig', 'linuxFxVersion'],
  ['properties', 'siteConfig', 'alwaysOn'],
  ['properties', 'siteConfig', 'use32BitWorkerProcess'],
  ['properties', 'siteConfig', 'functionAppScaleLimit'],
  ['properties', 'siteConfig', 'preWarmedInstanceCount'],
  ['properties', 'siteConfig', 'nodeVersion'],
  ['properties', 'siteConfig', 'javaVersion'],
  ['properties', 'siteConfig', 'netFrameworkVersion'],
  ['properties', 'siteConfig', 'powerShellVersion'],
];

interface Settings {
  readonly required: readonly string[];
  readonly never: readonly string[];
}

const CATALOGUE: Settings = {
  required: SETTINGS.filter((s) => s.inAzure === 'required').map((s) => s.name),
  never: SETTINGS.filter((s) => s.inAzure === 'never').map((s) => s.name),
};

function checkSettingsContract(model: Model, catalogue: Settings): string[] {
  const problems: string[] = [];
  const site = single(model, TYPE.site);
  const settings = appSettings(site);
  for (const name of catalogue.required) {
    if (!settings.has(name)) problems.push(`required setting ${name} is not set on ${site.name}`);
  }
  for (const name of [...catalogue.never, ...FLEX_FORBIDDEN_SETTINGS]) {
    if (settings.has(name)) problems.push(`setting ${name} must not be set in Azure`);
  }
  return problems;
}

/** The settings the template derives from resources: each must point at the right resource. */
function checkSettingsWiring(model: Model): string[] {
  const problems: string[] = [];
  const site = single(model, TYPE.site);
  const settings = appSettings(site);
  const identity = attachedIdentity(model, site);
  const storage = single(model, TYPE.storage);
  const vault = single(model, TYPE.vault);
  const appInsights = single(model, TYPE.appInsights);
  const want = (name: string, ok: (v: Value | undefined) => boolean, what: string): void => {
    const v = settings.get(name);
    if (!ok(v)) problems.push(`setting ${name} is ${show(v)}, want ${what}`);
  };
  const clientId = (v: Value | undefined): boolean =>
    refersTo(v, TYPE.identity, identity, 'clientId');
  want('AzureWebJobsStorage__credential', (v) => v === 'managedidentity', 'managedidentity');
  want('AzureWebJobsStorage__clientId', clientId, `${identity}.clientId`);
  want(
    'AzureWebJobsStorage__blobServiceUri',
    (v) => refersTo(v, TYPE.storage, storage.name, 'primaryEndpoints', 'blob'),
    `${storage.name}.primaryEndpoints.blob`,
  );
  want('AZURE_CLIENT_ID', clientId, `${identity}.clientId`);
  want(
    'KEY_VAULT_URL',
    (v) => refersTo(v, TYPE.vault, vault.name, 'vaultUri'),
    `${vault.name}.vaultUri`,
  );
  want(
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    (v) => refersTo(v, TYPE.appInsights, appInsights.name, 'ConnectionString'),
    `${appInsights.name}.ConnectionString`,
  );
  want(
    'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    (v) =>
      isOpaque(v) &&
      v.base === `ClientId=«${TYPE.identity}(${identity}).clientId»;Authorization=AAD`,
    `ClientId=<${identity} client id>;Authorization=AAD`,
  );
  const containers = ofType(model, TYPE.container).map((c) => leafName(c.name));
  const syncContainer = settings.get('SYNC_CONTAINER');
  if (typeof syncContainer !== 'string' || !containers.includes(syncContainer)) {
    problems.push(`SYNC_CONTAINER ${show(syncContainer)} is not a container the template creates`);
  }
  return problems;
}

/** Name of the one user-assigned identity the site runs as. */
function attachedIdentity(model: Model, site: Resource): string {
  const ids = at(site.body, 'identity', 'userAssignedIdentities');
  const keys = isValueObject(ids) ? Object.keys(ids) : [];
  const uamis = ofType(model, TYPE.identity).map((r) => r.name);
  const attached = keys.map((k) => parseResourceId(k)).filter((p) => p?.type === TYPE.identity);
  const name = attached[0]?.name;
  if (attached.length !== 1 || name === undefined || !uamis.includes(name)) {
    throw new Error(
      `site ${site.name} identities ${keys.join(', ')}; template creates ${uamis.join(', ')}`,
    );
  }
  return name;
}

interface Assignment {
  readonly role: string;
  readonly principal: Value;
  readonly principalType: Value;
  readonly scopeType: string;
  readonly scopeName: string;
  readonly where: string;
  readonly rawName: Json | undefined;
  readonly description: Value | undefined;
}

function roleAssignments(model: Model): Assignment[] {
  return ofType(model, TYPE.roleAssignment).map((r) => {
    const roleId = str(at(r.body, 'properties', 'roleDefinitionId') ?? null);
    const role = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\W*$/i.exec(roleId);
    const scope = at(r.body, 'scope');
    const parsed = typeof scope === 'string' ? parseResourceId(scope) : undefined;
    return {
      role: role?.[1]?.toLowerCase() ?? `unparsed:${roleId}`,
      principal: at(r.body, 'properties', 'principalId') ?? null,
      principalType: at(r.body, 'properties', 'principalType') ?? null,
      scopeType: parsed?.type ?? `(deployment scope ${show(scope)})`,
      scopeName: parsed?.name ?? '',
      where: r.where,
      rawName: r.raw.name,
      description: at(r.body, 'properties', 'description'),
    };
  });
}

function checkRoles(model: Model, deployerPrincipal: string): string[] {
  const problems: string[] = [];
  const assignments = roleAssignments(model);
  const site = single(model, TYPE.site);
  const identity = attachedIdentity(model, site);
  const storage = single(model, TYPE.storage).name;
  const vault = single(model, TYPE.vault).name;
  const appInsights = single(model, TYPE.appInsights).name;
  const isApp = (a: Assignment): boolean =>
    refersTo(a.principal, TYPE.identity, identity, 'principalId');
  const wanted: [string, string, string][] = [
    [ROLE.storageBlobDataOwner, TYPE.storage, storage],
    [ROLE.keyVaultSecretsUser, TYPE.vault, vault],
    [ROLE.monitoringMetricsPublisher, TYPE.appInsights, appInsights],
  ];
  const deployerWanted: [string, string, string][] = deployerPrincipal
    ? [
        [ROLE.keyVaultSecretsOfficer, TYPE.vault, vault],
        [ROLE.keyVaultCertificatesOfficer, TYPE.vault, vault],
        [ROLE.storageBlobDataContributor, TYPE.storage, storage],
      ]
    : [];
  const matches = (a: Assignment, [role, type, name]: [string, string, string]): boolean =>
    a.role === role && a.scopeType.toLowerCase() === type.toLowerCase() && a.scopeName === name;
  for (const w of wanted) {
    if (!assignments.some((a) => isApp(a) && matches(a, w))) {
      problems.push(`missing role ${w[0]} on ${w[1]} ${w[2]} for the app identity ${identity}`);
    }
  }
  for (const w of deployerWanted) {
    if (!assignments.some((a) => a.principal === deployerPrincipal && matches(a, w))) {
      problems.push(`missing deployer role ${w[0]} on ${w[1]} ${w[2]}`);
    }
  }
  for (const a of assignments) {
    if (FORBIDDEN_ROLES.has(a.role)) problems.push(`${a.where}: privileged role ${a.role}`);
    const allowed = isApp(a) ? wanted : a.principal === deployerPrincipal ? deployerWanted : [];
    if (!allowed.some((w) => matches(a, w))) {
      problems.push(
        `${a.where}: unexpected assignment of ${a.role} on ${a.scopeType} ${a.scopeName} to ${show(a.principal)}`,
      );
    }
    if (isApp(a) && a.principalType !== 'ServicePrincipal') {
      problems.push(`${a.where}: principalType ${show(a.principalType)} for a managed identity`);
    }
    if (typeof a.rawName !== 'string' || !/^\[guid\(/.test(a.rawName)) {
      problems.push(`${a.where}: name ${show(a.rawName ?? null)} is not a guid(...)`);
    }
    if (typeof a.description !== 'string' || a.description.trim().length < 20) {
      problems.push(`${a.where}: no description saying why ${a.role} is granted`);
    }
  }
  return problems;
}

function checkFlexConsumption(model: Model): string[] {
  const problems: string[] = [];
  const site = single(model, TYPE.site);
  const plan = single(model, TYPE.plan);
  const identity = attachedIdentity(model, site);
  const storage = single(model, TYPE.storage).name;
  const eq = (r: Resource, keys: string[], want: Value): void => {
    const got = at(r.body, ...keys);
    if (!deepEqual(got ?? null, want)) {
      problems.push(`${r.type} ${r.name}: ${keys.join('.')} is ${show(got)}, want ${show(want)}`);
    }
  };
  eq(plan, ['sku', 'name'], 'FC1');
  eq(plan, ['sku', 'tier'], 'FlexConsumption');
  eq(plan, ['properties', 'reserved'], true);
  eq(site, ['kind'], 'functionapp,linux');
  eq(site, ['tags', 'azd-service-name'], 'api');
  eq(site, ['identity', 'type'], 'UserAssigned');
  const cfg = ['properties', 'functionAppConfig'];
  eq(site, [...cfg, 'runtime'], { name: 'node', version: '22' });
  eq(site, [...cfg, 'deployment', 'storage', 'type'], 'blobContainer');
  eq(site, [...cfg, 'deployment', 'storage', 'authentication', 'type'], 'UserAssignedIdentity');
  const identityId = resourceIdOf([TYPE.identity, identity], model.root);
  const idOf = (v: Value | undefined): string | undefined =>
    typeof v === 'string' ? parseResourceId(v)?.name : undefined;
  const authId = at(
    site.body,
    ...cfg,
    'deployment',
    'storage',
    'authentication',
    'userAssignedIdentityResourceId',
  );
  if (idOf(authId) !== identity)
    problems.push(`deployment auth identity ${show(authId)}, want ${identityId}`);
  const kvRefId = at(site.body, 'properties', 'keyVaultReferenceIdentity');
  if (idOf(kvRefId) !== identity)
    problems.push(`keyVaultReferenceIdentity ${show(kvRefId)}, want ${identityId}`);
  const target = at(site.body, ...cfg, 'deployment', 'storage', 'value');
  const containers = ofType(model, TYPE.container)
    .filter((c) => c.name.startsWith(`${storage}/`))
    .map((c) => `«${TYPE.storage}(${storage}).primaryEndpoints.blob»${leafName(c.name)}`);
  if (!isOpaque(target) || !containers.includes(target.base)) {
    problems.push(`deployment container ${show(target)} is not one of ${containers.join(', ')}`);
  }
  for (const key of ['instanceMemoryMB', 'maximumInstanceCount']) {
    const v = at(site.body, ...cfg, 'scaleAndConcurrency', key);
    if (typeof v !== 'number') problems.push(`scaleAndConcurrency.${key} is ${show(v)}`);
  }
  for (const keys of FLEX_UNSUPPORTED_PROPERTIES) {
    const v = at(site.body, ...keys);
    if (v !== undefined) problems.push(`${keys.join('.')} is set (${show(v)}): not on Flex`);
  }
  return problems;
}

function checkLifecycle(model: Model, container: string, days: number): string[] {
  const rules = ofType(model, TYPE.lifecycle).flatMap((p) => {
    const list = at(p.body, 'properties', 'policy', 'rules');
    return Array.isArray(list) ? list : [];
  });
  const deletes = rules.filter((rule) => {
    const prefixes = at(rule, 'definition', 'filters', 'prefixMatch');
    const after = at(
      rule,
      'definition',
      'actions',
      'baseBlob',
      'delete',
      'daysAfterModificationGreaterThan',
    );
    return (
      at(rule, 'enabled') === true &&
      Array.isArray(prefixes) &&
      prefixes.includes(`${container}/runs/`) &&
      after === days
    );
  });
  return deletes.length === 1
    ? []
    : [
        `no single enabled rule deleting ${container}/runs/ after ${String(days)} days: ${show(rules)}`,
      ];
}

/** What each audited resource sends to the Log Analytics workspace. */
const AUDIT_TRAIL: readonly { what: string; type: string; categories: readonly string[] }[] = [
  { what: 'Key Vault', type: TYPE.vault, categories: ['AuditEvent'] },
  { what: 'function app', type: TYPE.site, categories: ['FunctionAppLogs'] },
  {
    what: 'blob service',
    type: TYPE.blobService,
    categories: ['StorageRead', 'StorageWrite', 'StorageDelete'],
  },
];

/** Type and name of the resource an ID (string) points at, or undefined. */
function target(id: Value | undefined): { type: string; name: string } | undefined {
  return typeof id === 'string' ? parseResourceId(id) : undefined;
}

function isTarget(id: Value | undefined, type: string, name: string): boolean {
  const t = target(id);
  return t !== undefined && t.type.toLowerCase() === type.toLowerCase() && t.name === name;
}

/** Who read a secret, who touched a blob, what the host logged: all in the workspace. */
function checkAuditTrail(model: Model): string[] {
  const problems: string[] = [];
  const workspace = single(model, TYPE.workspace).name;
  const settings = ofType(model, TYPE.diagnostics);
  for (const { what, type, categories } of AUDIT_TRAIL) {
    const resources = ofType(model, type);
    if (resources.length === 0) problems.push(`no ${what}`);
    for (const r of resources) {
      const enabled = new Set(
        settings
          .filter((d) => isTarget(at(d.body, 'scope'), type, r.name))
          .filter((d) =>
            isTarget(at(d.body, 'properties', 'workspaceId'), TYPE.workspace, workspace),
          )
          .flatMap((d) => {
            const logs = at(d.body, 'properties', 'logs');
            return Array.isArray(logs)
              ? logs.filter((l) => at(l, 'enabled') === true).map((l) => at(l, 'category'))
              : [];
          }),
      );
      for (const category of categories) {
        if (!enabled.has(category)) {
          problems.push(
            `${what} ${r.name}: no diagnostic setting sends ${category} to ${workspace}`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * What the Functions host needs from its identity-based storage: blobs only (timer status,
 * singleton leases, keys; Storage Blob Data Owner, checked by checkRoles). Its diagnostic events,
 * the one table user, are off; turning them on means a table role, a table service URI and (with
 * vnetEnabled) a table private endpoint, and this check changes with them.
 */
function checkHostStorage(model: Model): string[] {
  const problems: string[] = [];
  const settings = appSettings(single(model, TYPE.site));
  const flags = settings.get('AzureWebJobsFeatureFlags');
  const list = typeof flags === 'string' ? flags.split(',').map((f) => f.trim()) : [];
  if (!list.includes('DisableDiagnosticEventLogging')) {
    problems.push(
      `AzureWebJobsFeatureFlags is ${show(flags)}: without DisableDiagnosticEventLogging the host writes diagnostic events to tables`,
    );
  }
  for (const name of [
    'AzureWebJobsStorage__queueServiceUri',
    'AzureWebJobsStorage__tableServiceUri',
  ]) {
    if (settings.has(name))
      problems.push(`${name} is set, but the host and the app use blobs only`);
  }
  return problems;
}

/** The private endpoints vnetEnabled adds, with the DNS zone each must resolve through. */
/** The staleness thresholds main.bicep accepts, with their seconds. */
const STALE_AFTER_SECONDS: Readonly<Record<string, number>> = {
  PT30M: 1800,
  PT2H: 7200,
  P1D: 86400,
};

/**
 * The freshness alert: a log alert on the function app's Application Insights that fires when no
 * "sync succeeded" line was logged within the staleness window, notifying the action group (with
 * the email receiver when one is given), and the app's own threshold (SYNC_STALE_AFTER_SECONDS)
 * equal to that window. Also the telemetry settings the app needs to log there at all.
 */
function checkFreshnessAlert(
  model: Model,
  expected: { staleAfter: string; alertEmail: string },
): string[] {
  const problems: string[] = [];
  const appInsights = single(model, TYPE.appInsights).name;
  const rule = single(model, TYPE.alertRule);
  const group = single(model, TYPE.actionGroup);
  const p = (...path: string[]) => at(rule.body, 'properties', ...path);
  if (at(rule.body, 'kind') !== 'LogAlert') problems.push('the alert rule is not a LogAlert');
  if (p('enabled') !== true) problems.push('the alert rule is not enabled');
  const scopes = p('scopes');
  if (!Array.isArray(scopes) || !scopes.some((s) => isTarget(s, TYPE.appInsights, appInsights))) {
    problems.push(`the alert rule does not query ${appInsights}`);
  }
  if (p('windowSize') !== expected.staleAfter) {
    problems.push(`the alert window is ${show(p('windowSize'))}, not ${expected.staleAfter}`);
  }
  const criteria = p('criteria', 'allOf');
  const criterion = Array.isArray(criteria) ? criteria[0] : undefined;
  const query = at(criterion, 'query');
  if (typeof query !== 'string' || !/message startswith "sync succeeded"/.test(query)) {
    problems.push(`the alert query does not look for successful syncs: ${show(query)}`);
  } else if (!/summarize successes = count\(\)/.test(query)) {
    problems.push('the alert query does not count successes (silence would not fire it)');
  }
  if (
    at(criterion, 'operator') !== 'LessThan' ||
    at(criterion, 'threshold') !== 1 ||
    at(criterion, 'metricMeasureColumn') !== 'successes'
  ) {
    problems.push('the alert does not fire when there are fewer than 1 successes');
  }
  const groups = p('actions', 'actionGroups');
  if (!Array.isArray(groups) || !groups.some((g) => isTarget(g, TYPE.actionGroup, group.name))) {
    problems.push(`the alert rule does not notify the action group ${group.name}`);
  }
  const receivers = at(group.body, 'properties', 'emailReceivers');
  const emails = Array.isArray(receivers) ? receivers.map((r) => at(r, 'emailAddress')) : [];
  const wanted = expected.alertEmail === '' ? [] : [expected.alertEmail];
  if (JSON.stringify(emails) !== JSON.stringify(wanted)) {
    problems.push(
      `the action group's email receivers are ${show(emails.map((e) => e ?? null))}, not ${show(wanted)}`,
    );
  }
  const settings = appSettings(single(model, TYPE.site));
  const seconds = STALE_AFTER_SECONDS[expected.staleAfter];
  if (settings.get('SYNC_STALE_AFTER_SECONDS') !== String(seconds)) {
    problems.push(
      `SYNC_STALE_AFTER_SECONDS is ${show(settings.get('SYNC_STALE_AFTER_SECONDS'))}, not the alert's ${String(seconds)}`,
    );
  }
  for (const name of [
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  ]) {
    if (!settings.has(name)) problems.push(`telemetry setting ${name} is not set`);
  }
  const auth = settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING');
  if (!opaquesIn(auth).length && !(typeof auth === 'string' && /Authorization=AAD/.test(auth))) {
    problems.push('APPLICATIONINSIGHTS_AUTHENTICATION_STRING does not select Entra ID (AAD)');
  }
  return problems;
}

const PRIVATE_ENDPOINTS = [
  { type: TYPE.storage, group: 'blob', zone: 'privatelink.blob.core.windows.net' },
  { type: TYPE.vault, group: 'vault', zone: 'privatelink.vaultcore.azure.net' },
] as const;

function checkNetworking(model: Model, vnetEnabled: boolean): string[] {
  const problems: string[] = [];
  const site = single(model, TYPE.site);
  const subnetId = at(site.body, 'properties', 'virtualNetworkSubnetId');
  const access = (r: Resource, publicAccess: string, defaultAction: string): void => {
    const got = at(r.body, 'properties', 'publicNetworkAccess');
    const action = at(r.body, 'properties', 'networkAcls', 'defaultAction');
    if (got !== publicAccess) {
      problems.push(`${r.type} ${r.name}: publicNetworkAccess ${show(got)}, want ${publicAccess}`);
    }
    if (action !== defaultAction) {
      problems.push(
        `${r.type} ${r.name}: networkAcls.defaultAction ${show(action)}, want ${defaultAction}`,
      );
    }
  };
  const storage = single(model, TYPE.storage);
  const vault = single(model, TYPE.vault);

  if (!vnetEnabled) {
    const network = model.resources.filter((r) => r.type.startsWith('Microsoft.Network/'));
    for (const r of network) problems.push(`${r.type} ${r.name} deployed without vnetEnabled`);
    if (subnetId !== undefined && subnetId !== null) {
      problems.push(
        `site ${site.name}: virtualNetworkSubnetId ${show(subnetId)} without vnetEnabled`,
      );
    }
    access(storage, 'Enabled', 'Allow');
    access(vault, 'Enabled', 'Allow');
    return problems;
  }

  access(storage, 'Disabled', 'Deny');
  access(vault, 'Disabled', 'Deny');
  const vnets = ofType(model, TYPE.vnet);
  const vnet = vnets[0];
  if (vnets.length !== 1 || !vnet) return [...problems, `${String(vnets.length)} virtual networks`];
  const subnets = at(vnet.body, 'properties', 'subnets');
  const subnetOf = (id: Value | undefined): Value | undefined => {
    const t = target(id);
    if (t?.type !== `${TYPE.vnet}/subnets` || !t.name.startsWith(`${vnet.name}/`)) return undefined;
    return Array.isArray(subnets)
      ? subnets.find((x) => at(x, 'name') === leafName(t.name))
      : undefined;
  };

  // Outbound VNet integration through a subnet delegated to Microsoft.App/environments.
  const appSubnet = subnetOf(subnetId);
  const delegations = at(appSubnet, 'properties', 'delegations');
  if (!appSubnet) {
    problems.push(`site virtualNetworkSubnetId ${show(subnetId)} is not a subnet of ${vnet.name}`);
  } else if (
    !Array.isArray(delegations) ||
    !delegations.some((d) => at(d, 'properties', 'serviceName') === 'Microsoft.App/environments')
  ) {
    problems.push(
      `app subnet is not delegated to Microsoft.App/environments: ${show(delegations)}`,
    );
  }

  for (const { type, group, zone } of PRIVATE_ENDPOINTS) {
    const name = single(model, type).name;
    const endpoints = ofType(model, TYPE.privateEndpoint).filter((pe) => {
      const connections = at(pe.body, 'properties', 'privateLinkServiceConnections');
      return (
        Array.isArray(connections) &&
        connections.some((c) => {
          const groups = at(c, 'properties', 'groupIds');
          return (
            isTarget(at(c, 'properties', 'privateLinkServiceId'), type, name) &&
            Array.isArray(groups) &&
            groups.includes(group)
          );
        })
      );
    });
    const pe = endpoints[0];
    if (endpoints.length !== 1 || !pe) {
      problems.push(
        `${String(endpoints.length)} private endpoints for ${group} of ${name}, want 1`,
      );
      continue;
    }
    const peSubnet = subnetOf(at(pe.body, 'properties', 'subnet', 'id'));
    if (!peSubnet || peSubnet === appSubnet) {
      problems.push(
        `private endpoint ${pe.name} is not in the private endpoint subnet of ${vnet.name}`,
      );
    }
    const zoneIds = ofType(model, TYPE.dnsZoneGroup)
      .filter((g) => g.name.startsWith(`${pe.name}/`))
      .flatMap((g) => {
        const configs = at(g.body, 'properties', 'privateDnsZoneConfigs');
        return Array.isArray(configs)
          ? configs.map((c) => at(c, 'properties', 'privateDnsZoneId') ?? null)
          : [];
      });
    if (!zoneIds.some((id) => isTarget(id, TYPE.dnsZone, zone))) {
      problems.push(
        `private endpoint ${pe.name}: DNS zone group ${show(zoneIds)}, want zone ${zone}`,
      );
    }
    if (!ofType(model, TYPE.dnsZone).some((z) => z.name === zone)) {
      problems.push(`no private DNS zone ${zone}`);
    }
    const linked = ofType(model, TYPE.dnsZoneLink).some(
      (l) =>
        l.name.startsWith(`${zone}/`) &&
        isTarget(at(l.body, 'properties', 'virtualNetwork', 'id'), TYPE.vnet, vnet.name) &&
        at(l.body, 'properties', 'registrationEnabled') === false,
    );
    if (!linked) problems.push(`private DNS zone ${zone} is not linked to ${vnet.name}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Locating the repository and the Bicep CLI

const NO_CLI = 'no Bicep CLI found (set BICEP_CLI or run scripts/bicep.sh): infra tests skipped';

function findRepoRoot(): string {
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'infra', 'main.bicep'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('cannot find the repository root (a directory with infra/main.bicep)');
}

const ROOT = findRepoRoot();

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findBicepCli(): string | undefined {
  const fromEnv = process.env.BICEP_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`BICEP_CLI=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const names = process.platform === 'win32' ? ['bicep.exe', 'bicep'] : ['bicep'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      if (isExecutable(path.join(dir, name))) return path.join(dir, name);
    }
  }
  const local = path.join(ROOT, '.local', 'tools', 'bicep', 'bicep');
  return isExecutable(local) ? local : undefined;
}

const BICEP = findBicepCli();

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * False (test skipped) when there is no Bicep CLI. With REQUIRE_BICEP_CLI=1 (CI) a missing CLI
 * fails instead, so the infra tests cannot be skipped unnoticed.
 */
function haveCli(t: TestContext): boolean {
  if (BICEP) return true;
  if (process.env.REQUIRE_BICEP_CLI === '1') assert.fail(`REQUIRE_BICEP_CLI=1 but ${NO_CLI}`);
  t.skip(NO_CLI);
  return false;
}

function bicep(...args: string[]): Run {
  if (!BICEP) throw new Error(NO_CLI);
  const r = spawnSync(BICEP, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Diagnostic lines (`file(l,c) : Warning rule: ...`) in Bicep output. */
function diagnostics(output: string): string[] {
  return output.split(/\r?\n/).filter((l) => /(^|[\s:])(Warning|Error)\s/.test(l));
}

let built: JsonObject | undefined;

/** The compiled ARM template, or undefined (test skipped) without a Bicep CLI. */
function armTemplate(t: TestContext): JsonObject | undefined {
  if (!haveCli(t)) return undefined;
  if (!built) {
    const r = bicep('build', 'infra/main.bicep', '--stdout');
    assert.equal(r.status, 0, `bicep build failed:\n${r.stderr}`);
    assert.deepEqual(diagnostics(r.stderr), [], 'bicep build printed diagnostics');
    const parsed = JSON.parse(r.stdout) as Json;
    assert.ok(isJsonObject(parsed), 'bicep build did not print a JSON object');
    built = parsed;
  }
  return built;
}

/** Bindings for main.bicep's required parameters; the rest take their defaults. */
const BINDINGS = {
  environmentName: 'citest',
  location: 'westeurope',
  clientId: '00001111-aaaa-2222-bbbb-3333cccc4444',
  authority: 'https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee',
  apiEndpoint: 'https://todo-api.example.net/api/todolist',
  scopes: 'api://11112222-bbbb-3333-cccc-4444dddd5555',
} as const satisfies Record<string, Value>;

const DEPLOYER = '99998888-7777-6666-5555-444433332222';

function model(t: TestContext, extra: Readonly<Record<string, Value>> = {}): Model | undefined {
  const template = armTemplate(t);
  return template && buildModel(template, { ...BINDINGS, ...extra });
}

function allowedValues(template: JsonObject, param: string): Json[] {
  const decl = paramDeclarations(template).get(param);
  const values = decl?.allowedValues;
  assert.ok(Array.isArray(values), `parameter ${param} has no allowed values`);
  return values;
}

function defaultOf(template: JsonObject, param: string): Json | undefined {
  return paramDeclarations(template).get(param)?.defaultValue;
}

/** A deep copy of the template with every resource of a type changed, for the "can fail" tests. */
function mutated(
  template: JsonObject,
  type: string,
  change: (raw: JsonObject) => void,
): JsonObject {
  return mutatedWhere(template, type, () => true, change);
}

/** The same, for the resources of that type that `which` picks. */
function mutatedWhere(
  template: JsonObject,
  type: string,
  which: (raw: JsonObject) => boolean,
  change: (raw: JsonObject) => void,
): JsonObject {
  const copy = JSON.parse(JSON.stringify(template)) as JsonObject;
  const visit = (tpl: JsonObject): number => {
    let n = 0;
    const resources = tpl.resources;
    const list = Array.isArray(resources)
      ? resources
      : isJsonObject(resources)
        ? Object.values(resources)
        : [];
    for (const r of list.filter(isJsonObject)) {
      if (r.type === type && r.existing !== true && which(r)) {
        change(r);
        n++;
      }
      const inner = isJsonObject(r.properties) ? r.properties.template : undefined;
      if (r.type === DEPLOYMENTS && isJsonObject(inner)) n += visit(inner);
    }
    return n;
  };
  assert.ok(visit(copy) > 0, `no ${type} to change`);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Tests that need no Bicep CLI: the evaluator and the checks on hand-made templates

const tiny = (template: JsonObject): Scope => rootScope(template, {});

void describe('ARM expression evaluator', () => {
  void test('parses literals, escapes, calls, properties and indexes', () => {
    const scope = tiny({
      parameters: { c: { type: 'string', defaultValue: 'todo-sync' } },
      variables: { v: { a: [10, 20] } },
    });
    assert.equal(evalJson("[format('{0}/runs/', parameters('c'))]", scope), 'todo-sync/runs/');
    assert.equal(evalJson("['it''s']", scope), "it's");
    assert.equal(evalJson('[[not an expression]', scope), '[not an expression]');
    assert.equal(evalJson("[variables('v').a[1]]", scope), 20);
    assert.equal(evalJson("[not(empty(parameters('c')))]", scope), true);
    assert.equal(evalJson("[if(equals(parameters('c'), 'x'), 1, 2)]", scope), 2);
    assert.deepEqual(
      evalJson(
        "[flatten(createArray(createArray(createObject('name', 'A')), createArray()))]",
        scope,
      ),
      [{ name: 'A' }],
    );
    assert.equal(
      evalJson("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')]", scope),
      `/subscriptions/${FAKE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/abc`,
    );
  });

  void test('keeps deployment-time values symbolic and taints secrets', () => {
    const scope = tiny({
      parameters: { pw: { type: 'securestring', defaultValue: '' } },
      resources: {
        id: { type: TYPE.identity, apiVersion: '2024-11-30', name: 'id-x' },
        st: { type: TYPE.storage, apiVersion: '2026-09-01', name: 'stx', existing: true },
      },
    });
    const principal = evalJson("[reference('id').principalId]", scope);
    assert.ok(refersTo(principal, TYPE.identity, 'id-x', 'principalId'), show(principal));
    const full = evalJson(
      "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-x'), '2024-11-30', 'full').properties.clientId]",
      scope,
    );
    assert.ok(refersTo(full, TYPE.identity, 'id-x', 'clientId'), show(full));
    assert.equal(isSecret(evalJson("[format('x{0}', parameters('pw'))]", scope)), true);
    assert.equal(isSecret(evalJson("[listKeys('st', '2026-09-01').keys[0].value]", scope)), true);
    assert.equal(isSecret(evalJson("[reference('st').primaryEndpoints.blob]", scope)), false);
  });

  void test('follows module parameters in and module outputs out', () => {
    const scope = tiny({
      parameters: { n: { type: 'string', defaultValue: 'id-y' } },
      resources: {
        mod: {
          type: DEPLOYMENTS,
          apiVersion: '2025-04-01',
          name: 'mod',
          properties: {
            parameters: { name: { value: "[parameters('n')]" } },
            template: {
              parameters: { name: { type: 'string' } },
              resources: {
                uami: {
                  type: TYPE.identity,
                  apiVersion: '2024-11-30',
                  name: "[parameters('name')]",
                },
              },
              outputs: { pid: { type: 'string', value: "[reference('uami').principalId]" } },
            },
          },
        },
      },
    });
    const pid = evalJson("[reference('mod').outputs.pid.value]", scope);
    assert.ok(refersTo(pid, TYPE.identity, 'id-y', 'principalId'), show(pid));
    assert.deepEqual(
      deployedResources(scope).map((e) => typeOf(e)),
      [DEPLOYMENTS, TYPE.identity],
    );
  });
});

void describe('ARM expression evaluator: conditional modules and cloud suffixes', () => {
  void test('binds a module parameter passed as one if() expression, skips a false condition', () => {
    const moduleWith = (on: boolean): Scope =>
      rootScope(
        {
          parameters: { on: { type: 'bool', defaultValue: on } },
          resources: {
            net: {
              type: DEPLOYMENTS,
              apiVersion: '2025-04-01',
              name: 'net',
              condition: "[parameters('on')]",
              properties: {
                parameters: {},
                template: {
                  resources: {
                    vnet: { type: TYPE.vnet, apiVersion: '2026-03-01', name: 'vnet-x' },
                  },
                  outputs: {
                    subnet: {
                      type: 'string',
                      value:
                        "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-x', 'app')]",
                    },
                  },
                },
              },
            },
            app: {
              type: DEPLOYMENTS,
              apiVersion: '2025-04-01',
              name: 'app',
              properties: {
                parameters: {
                  subnetId:
                    "[if(parameters('on'), createObject('value', reference('net').outputs.subnet.value), createObject('value', ''))]",
                },
                template: {
                  parameters: { subnetId: { type: 'string' } },
                  resources: {
                    site: {
                      type: TYPE.site,
                      apiVersion: '2025-03-01',
                      name: 'func-x',
                      properties: {
                        virtualNetworkSubnetId:
                          "[if(empty(parameters('subnetId')), null(), parameters('subnetId'))]",
                      },
                    },
                  },
                },
              },
            },
          },
        },
        {},
      );
    const on = moduleWith(true);
    const onModel = buildModel(on.template, {});
    assert.deepEqual(onModel.resources.map((r) => r.type).sort(), [TYPE.vnet, TYPE.site].sort());
    const subnet = at(single(onModel, TYPE.site).body, 'properties', 'virtualNetworkSubnetId');
    assert.deepEqual(target(subnet), { type: `${TYPE.vnet}/subnets`, name: 'vnet-x/app' });
    const offModel = buildModel(moduleWith(false).template, {});
    assert.deepEqual(
      offModel.resources.map((r) => r.type),
      [TYPE.site],
    );
    assert.equal(
      at(single(offModel, TYPE.site).body, 'properties', 'virtualNetworkSubnetId'),
      null,
    );
  });

  void test('builds private DNS zone names from environment() suffixes', () => {
    const scope = tiny({});
    assert.equal(
      evalJson("[format('privatelink.blob.{0}', environment().suffixes.storage)]", scope),
      'privatelink.blob.core.windows.net',
    );
    assert.equal(
      evalJson(
        "[replace(environment().suffixes.keyvaultDns, '.vault.', 'privatelink.vaultcore.')]",
        scope,
      ),
      'privatelink.vaultcore.azure.net',
    );
  });
});

void describe('infra checks catch problems (hand-made templates)', () => {
  const site = (props: JsonObject): JsonObject => ({
    resources: {
      app: { type: TYPE.site, apiVersion: '2025-03-01', name: 'func-x', properties: props },
    },
  });

  void test('the security baseline flags an insecure site', () => {
    const m = buildModel(site({ httpsOnly: false, siteConfig: { ftpsState: 'AllAllowed' } }), {});
    const problems = checkSecurityBaseline(m).join('\n');
    assert.match(problems, /httpsOnly/);
    assert.match(problems, /minTlsVersion/);
    assert.match(problems, /ftpsState/);
    assert.match(problems, /no storage account/);
  });

  void test('the settings contract flags missing required and present never settings', () => {
    const m = buildModel(
      site({ siteConfig: { appSettings: [{ name: 'CLIENT_SECRET', value: 'x' }] } }),
      {},
    );
    const problems = checkSettingsContract(m, CATALOGUE).join('\n');
    assert.ok(CATALOGUE.required.length > 0, 'the catalogue has required settings');
    for (const name of CATALOGUE.required)
      assert.match(problems, new RegExp(`required setting ${name} `));
    assert.match(problems, /CLIENT_SECRET must not be set/);
  });

  void test('the secrets check flags a list*() call and a secret-looking plain parameter', () => {
    const m = buildModel(
      {
        parameters: { clientSecret: { type: 'string', defaultValue: '' } },
        resources: {},
        outputs: { key: { type: 'string', value: "[listKeys('x', '2026-09-01').keys[0].value]" } },
      },
      {},
    );
    const problems = checkSecrets(m).join('\n');
    assert.match(problems, /calls listKeys/);
    assert.match(problems, /clientSecret looks secret/);
    assert.match(problems, /output key carries/);
  });
});

// ---------------------------------------------------------------------------------------------
// Tests on the real template (need the Bicep CLI)

void describe('infra/main.bicep', () => {
  void test('bicep lint reports nothing', (t) => {
    if (!haveCli(t)) return;
    const r = bicep('lint', 'infra/main.bicep');
    const out = `${r.stdout}\n${r.stderr}`;
    assert.deepEqual(diagnostics(out), [], out);
    assert.equal(r.status, 0, out);
  });

  void test('every linter rule is an error in infra/bicepconfig.json', () => {
    const config = JSON.parse(
      readFileSync(path.join(ROOT, 'infra', 'bicepconfig.json'), 'utf8'),
    ) as Json;
    const core =
      isJsonObject(config) && isJsonObject(config.analyzers) ? config.analyzers.core : undefined;
    assert.ok(isJsonObject(core) && core.enabled === true, 'core analyzer enabled');
    const rules = core.rules;
    assert.ok(isJsonObject(rules) && Object.keys(rules).length >= 40, 'rules listed');
    for (const [name, rule] of Object.entries(rules)) {
      assert.ok(isJsonObject(rule) && rule.level === 'error', `${name} is not at level error`);
    }
  });

  void test('uses native resources only, no preview API versions but diagnostic settings', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    // Microsoft.Insights/diagnosticSettings has no newer version than 2021-05-01-preview (its
    // only GA version, 2016-09-01, is the legacy "service" settings shape); nothing else may be.
    const previews = [
      ...JSON.stringify(template).matchAll(
        /"type":\s*"([^"]+)",\s*"apiVersion":\s*"([^"]*-preview)"/g,
      ),
    ].map((m) => `${String(m[1])}@${String(m[2])}`);
    assert.ok(previews.length >= 3, 'the three diagnostic settings');
    assert.deepEqual(
      new Set(previews),
      new Set(['Microsoft.Insights/diagnosticSettings@2021-05-01-preview']),
    );
    assert.equal(
      (JSON.stringify(template).match(/-preview"/g) ?? []).length,
      previews.length,
      'a preview API version outside a resource declaration',
    );
    const files = bicepFiles(path.join(ROOT, 'infra'));
    assert.ok(files.length > 1, 'main.bicep and its modules');
    for (const file of files) {
      const src = readFileSync(file, 'utf8');
      assert.doesNotMatch(
        src,
        /^\s*(module|import)\s.*['"](br|ts)[:/]/m,
        `${file}: registry module`,
      );
    }
  });

  void test('meets the security baseline, basic-auth publishing off for ftp and scm', (t) => {
    for (const vnetEnabled of [false, true]) {
      const m = model(t, { principalId: DEPLOYER, vnetEnabled });
      if (!m) return;
      assert.deepEqual(checkSecurityBaseline(m), [], `vnetEnabled ${String(vnetEnabled)}`);
      const site = single(m, TYPE.site).name;
      const policies = ofType(m, TYPE.publishingPolicy).map((r) => [
        r.name,
        at(r.body, 'properties', 'allow'),
      ]);
      assert.deepEqual(policies.sort(), [
        [`${site}/ftp`, false],
        [`${site}/scm`, false],
      ]);
    }
  });

  void test('sends the audit trail to Log Analytics: vault AuditEvent, FunctionAppLogs, blob reads, writes and deletes', (t) => {
    for (const vnetEnabled of [false, true]) {
      const m = model(t, { vnetEnabled });
      if (!m) return;
      assert.deepEqual(checkAuditTrail(m), [], `vnetEnabled ${String(vnetEnabled)}`);
      assert.equal(ofType(m, TYPE.diagnostics).length, 3);
    }
  });

  void test('alerts when no sync succeeded within staleAfter, with the app threshold and telemetry settings to match', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    assert.equal(
      defaultOf(template, 'staleAfter'),
      'PT30M',
      'twice the default 15-minute schedule',
    );
    assert.equal(defaultOf(template, 'alertEmail'), '');
    const byDefault = model(t);
    if (!byDefault) return;
    assert.deepEqual(checkFreshnessAlert(byDefault, { staleAfter: 'PT30M', alertEmail: '' }), []);
    const custom = model(t, { staleAfter: 'PT2H', alertEmail: 'oncall@contoso.example' });
    if (!custom) return;
    assert.deepEqual(
      checkFreshnessAlert(custom, { staleAfter: 'PT2H', alertEmail: 'oncall@contoso.example' }),
      [],
    );
  });

  void test('vnetEnabled defaults to false: no network resources, public endpoints with Entra ID auth', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    assert.equal(defaultOf(template, 'vnetEnabled'), false);
    const m = buildModel(template, BINDINGS);
    assert.deepEqual(checkNetworking(m, false), []);
    assert.equal(
      model(t, { vnetEnabled: false })?.resources.length,
      m.resources.length,
      'the default is vnetEnabled=false',
    );
  });

  void test('vnetEnabled=true: VNet integration, private endpoints and DNS for blob and vault, public access off', (t) => {
    const m = model(t, { vnetEnabled: true });
    if (!m) return;
    assert.deepEqual(checkNetworking(m, true), []);
    assert.equal(ofType(m, TYPE.privateEndpoint).length, 2, 'blob and vault only');
    assert.deepEqual(
      ofType(m, TYPE.dnsZone)
        .map((z) => z.name)
        .sort(),
      ['privatelink.blob.core.windows.net', 'privatelink.vaultcore.azure.net'],
    );
    // The same private template fails the public checks and the other way round.
    assert.notDeepEqual(checkNetworking(m, false), []);
    const open = model(t, { vnetEnabled: false });
    assert.ok(open);
    assert.notDeepEqual(checkNetworking(open, true), []);
    // Everything else holds with private networking too.
    assert.deepEqual(checkSettingsContract(m, CATALOGUE), []);
    assert.deepEqual(checkSettingsWiring(m), []);
    assert.deepEqual(checkFlexConsumption(m), []);
    assert.deepEqual(checkRoles(m, ''), []);
  });

  void test('host storage: blobs only, diagnostic events off, no table or queue role', (t) => {
    for (const vnetEnabled of [false, true]) {
      const m = model(t, { vnetEnabled, principalId: DEPLOYER });
      if (!m) return;
      assert.deepEqual(checkHostStorage(m), []);
      const settings = appSettings(single(m, TYPE.site));
      assert.deepEqual(
        [...settings.keys()].filter((k) => k.startsWith('AzureWebJobsStorage__')).sort(),
        [
          'AzureWebJobsStorage__blobServiceUri',
          'AzureWebJobsStorage__clientId',
          'AzureWebJobsStorage__credential',
        ],
      );
      // checkRoles allows exactly the blob, vault and telemetry roles, each with its reason.
      assert.deepEqual(checkRoles(m, DEPLOYER), []);
    }
  });

  void test('the CI parameter files compile and the template passes every check with each', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    const dir = path.join('test', 'infra', 'params');
    const files = readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.bicepparam'));
    const seen: Value[] = [];
    for (const file of files.sort()) {
      const r = bicep('build-params', path.join(dir, file), '--stdout');
      assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      assert.deepEqual(diagnostics(r.stderr), [], `${file}: diagnostics`);
      const out = JSON.parse(r.stdout) as Json;
      assert.ok(isJsonObject(out) && typeof out.parametersJson === 'string', file);
      const parsed = JSON.parse(out.parametersJson) as Json;
      const params = isJsonObject(parsed) ? parsed.parameters : undefined;
      assert.ok(isJsonObject(params), file);
      const bindings: Record<string, Value> = {};
      for (const [name, p] of Object.entries(params)) {
        assert.ok(isJsonObject(p) && 'value' in p, `${file}: ${name}`);
        bindings[name] = p.value ?? null;
      }
      const vnetEnabled = bindings.vnetEnabled;
      assert.equal(typeof vnetEnabled, 'boolean', `${file} sets vnetEnabled`);
      seen.push(vnetEnabled ?? null);
      const m = buildModel(template, bindings);
      const deployer = typeof bindings.principalId === 'string' ? bindings.principalId : '';
      assert.deepEqual(
        [
          ...checkSecurityBaseline(m),
          ...checkSecrets(m),
          ...checkSettingsContract(m, CATALOGUE),
          ...checkSettingsWiring(m),
          ...checkRoles(m, deployer),
          ...checkFlexConsumption(m),
          ...checkAuditTrail(m),
          ...checkHostStorage(m),
          ...checkNetworking(m, vnetEnabled === true),
        ],
        [],
        file,
      );
    }
    assert.deepEqual(seen.sort(), [false, true]);
  });

  void test('keeps secrets out of parameters, outputs and app settings', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    for (const mode of allowedValues(template, 'credentialMode')) {
      const m = buildModel(template, { ...BINDINGS, credentialMode: mode, principalId: DEPLOYER });
      assert.deepEqual(checkSecrets(m), [], `credentialMode ${show(mode)}`);
    }
  });

  void test('sets every setting the code requires in Azure and none of the local-only ones', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    const modes = allowedValues(template, 'credentialMode');
    assert.deepEqual([...modes].sort(), ['certificate', 'managedIdentity', 'secret']);
    assert.equal(defaultOf(template, 'credentialMode'), 'certificate');
    const credentialSetting: Record<string, [string, Value]> = {
      certificate: ['CLIENT_CERTIFICATE_NAME', 'todo-sync-daemon'],
      secret: ['CLIENT_SECRET_NAME', 'todo-sync-client-secret'],
      managedIdentity: ['CLIENT_CREDENTIAL', 'managedIdentity'],
    };
    for (const mode of modes) {
      const m = buildModel(template, { ...BINDINGS, credentialMode: mode });
      assert.deepEqual(checkSettingsContract(m, CATALOGUE), [], `credentialMode ${show(mode)}`);
      assert.deepEqual(checkSettingsWiring(m), [], `credentialMode ${show(mode)}`);
      const settings = appSettings(single(m, TYPE.site));
      for (const [forMode, [name, value]] of Object.entries(credentialSetting)) {
        if (forMode === mode) assert.equal(settings.get(name), value, `${name} in mode ${forMode}`);
        else assert.equal(settings.has(name), false, `${name} set in mode ${show(mode)}`);
      }
      assert.equal(settings.get('CLIENT_ID'), BINDINGS.clientId);
      assert.equal(settings.get('AUTHORITY'), BINDINGS.authority);
      assert.equal(settings.get('API_ENDPOINT'), BINDINGS.apiEndpoint);
      assert.equal(settings.get('SCOPES'), BINDINGS.scopes);
      assert.equal(settings.get('SYNC_SCHEDULE'), '0 */15 * * * *');
      assert.equal(settings.get('SYNC_CONTAINER'), 'todo-sync');
    }
  });

  void test('passes the sync container name through to the setting and the container', (t) => {
    const m = model(t, { syncContainerName: 'other-sync' });
    if (!m) return;
    assert.equal(appSettings(single(m, TYPE.site)).get('SYNC_CONTAINER'), 'other-sync');
    assert.deepEqual(checkSettingsWiring(m), []);
  });

  void test('grants the app identity exactly its three roles, the deployer three more', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    const withDeployer = buildModel(template, { ...BINDINGS, principalId: DEPLOYER });
    assert.deepEqual(checkRoles(withDeployer, DEPLOYER), []);
    assert.equal(roleAssignments(withDeployer).length, 6);
    const without = buildModel(template, { ...BINDINGS, principalId: '' });
    assert.deepEqual(checkRoles(without, ''), []);
    assert.equal(roleAssignments(without).length, 3);
    assert.equal(defaultOf(template, 'principalId'), '');
    // And no privileged role definition appears anywhere, whatever the parameters.
    const text = JSON.stringify(template).toLowerCase();
    for (const role of FORBIDDEN_ROLES) assert.ok(!text.includes(role), `${role} in the template`);
  });

  void test('runs on Flex Consumption: FC1, Node 22, identity-based deployment storage', (t) => {
    const m = model(t);
    if (!m) return;
    assert.deepEqual(checkFlexConsumption(m), []);
    const site = single(m, TYPE.site);
    assert.equal(
      at(site.body, 'properties', 'functionAppConfig', 'scaleAndConcurrency', 'instanceMemoryMB'),
      2048,
    );
    const bigger = model(t, { instanceMemoryMB: 4096, maximumInstanceCount: 100 });
    assert.ok(bigger);
    const scale = at(
      single(bigger, TYPE.site).body,
      'properties',
      'functionAppConfig',
      'scaleAndConcurrency',
    );
    assert.deepEqual(scale, { instanceMemoryMB: 4096, maximumInstanceCount: 100 });
  });

  void test('deletes run records after syncRetentionDays (default 30)', (t) => {
    const m = model(t);
    if (!m) return;
    assert.deepEqual(checkLifecycle(m, 'todo-sync', 30), []);
    const week = model(t, { syncRetentionDays: 7, syncContainerName: 'sync2' });
    assert.ok(week);
    assert.deepEqual(checkLifecycle(week, 'sync2', 7), []);
    assert.notDeepEqual(checkLifecycle(week, 'sync2', 30), []);
  });

  void test('outputs what azd and the docs need, and no secret', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    const outputs = Object.keys(isJsonObject(template.outputs) ? template.outputs : {});
    for (const name of [
      'AZURE_LOCATION',
      'AZURE_TENANT_ID',
      'AZURE_RESOURCE_GROUP',
      'AZURE_FUNCTION_APP_NAME',
      'AZURE_FUNCTION_APP_HOSTNAME',
      'AZURE_KEY_VAULT_NAME',
      'AZURE_KEY_VAULT_URI',
      'AZURE_MANAGED_IDENTITY_CLIENT_ID',
      'AZURE_STORAGE_ACCOUNT_NAME',
      'AZURE_APPLICATION_INSIGHTS_NAME',
      'AZURE_LOG_ANALYTICS_WORKSPACE_NAME',
    ]) {
      assert.ok(outputs.includes(name), `output ${name}`);
    }
    const m = buildModel(template, BINDINGS);
    const site = single(m, TYPE.site);
    assert.equal(evalOutput(m.root, 'AZURE_FUNCTION_APP_NAME'), site.name);
    assert.equal(
      evalOutput(m.root, 'AZURE_LOG_ANALYTICS_WORKSPACE_NAME'),
      single(m, TYPE.workspace).name,
    );
    const uri = evalOutput(m.root, 'AZURE_KEY_VAULT_URI');
    assert.ok(refersTo(uri, TYPE.vault, single(m, TYPE.vault).name, 'vaultUri'), show(uri));
  });

  void test('main.parameters.json binds main.bicep parameters to azd environment values', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    const file = JSON.parse(
      readFileSync(path.join(ROOT, 'infra', 'main.parameters.json'), 'utf8'),
    ) as Json;
    const params = isJsonObject(file) ? file.parameters : undefined;
    assert.ok(isJsonObject(params));
    const declared = paramDeclarations(template);
    for (const [name, p] of Object.entries(params)) {
      const decl = declared.get(name);
      assert.ok(decl, `main.parameters.json sets ${name}, which main.bicep does not declare`);
      assert.ok(!isSecureDeclaration(decl), `${name}: no secret passes through parameters`);
      assert.ok(isJsonObject(p) && 'value' in p, `${name} has a value`);
    }
    for (const [name, decl] of declared) {
      if (!('defaultValue' in decl)) assert.ok(name in params, `required ${name} is not bound`);
    }
    assert.deepEqual(params.environmentName, { value: '${AZURE_ENV_NAME}' });
    assert.deepEqual(params.location, { value: '${AZURE_LOCATION}' });
    // azd turns the string into the bool parameter; off unless the environment says otherwise.
    assert.deepEqual(params.vnetEnabled, { value: '${TODO_SYNC_VNET_ENABLED=false}' });
  });

  void test('azure.yaml deploys the project as the azd service api on Azure Functions', () => {
    const yaml = readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8');
    assert.match(yaml, /^services:\n {2}api:\n(?: {4}.*\n)*? {4}project: \.\n/m);
    assert.match(yaml, /^ {4}language: ts$/m);
    assert.match(yaml, /^ {4}host: function$/m);
  });

  void test('the checks fail on a template that breaks them', (t) => {
    const template = armTemplate(t);
    if (!template) return;
    const broken = (type: string, change: (raw: JsonObject) => void): Model =>
      buildModel(mutated(template, type, change), { ...BINDINGS, principalId: DEPLOYER });
    const props = (raw: JsonObject): JsonObject => {
      assert.ok(isJsonObject(raw.properties));
      return raw.properties;
    };

    const insecure = broken(TYPE.site, (r) => {
      props(r).httpsOnly = false;
    });
    assert.match(checkSecurityBaseline(insecure).join('\n'), /httpsOnly/);

    const sharedKey = broken(TYPE.storage, (r) => {
      props(r).allowSharedKeyAccess = true;
    });
    assert.match(checkSecurityBaseline(sharedKey).join('\n'), /allowSharedKeyAccess/);

    const node20 = broken(TYPE.site, (r) => {
      const cfg = props(r).functionAppConfig;
      assert.ok(isJsonObject(cfg));
      cfg.runtime = { name: 'node', version: '20' };
    });
    assert.match(checkFlexConsumption(node20).join('\n'), /runtime/);

    const owner = broken(TYPE.roleAssignment, (r) => {
      props(r).roleDefinitionId =
        `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${ROLE.owner}')]`;
    });
    assert.match(
      checkRoles(owner, DEPLOYER).join('\n'),
      new RegExp(`privileged role ${ROLE.owner}`),
    );

    const contributor = broken(TYPE.roleAssignment, (r) => {
      props(r).roleDefinitionId =
        `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${ROLE.contributor}')]`;
    });
    const problems = checkRoles(contributor, DEPLOYER).join('\n');
    assert.match(problems, /privileged role/);
    assert.match(problems, /missing role/);

    const settings = (edit: (s: string) => string): Model =>
      broken(TYPE.site, (r) => {
        const siteConfig = props(r).siteConfig;
        assert.ok(isJsonObject(siteConfig) && typeof siteConfig.appSettings === 'string');
        siteConfig.appSettings = edit(siteConfig.appSettings);
      });
    const noClientId = settings((s) => s.replace("'name', 'CLIENT_ID'", "'name', 'CLIENT_ID_X'"));
    assert.match(
      checkSettingsContract(noClientId, CATALOGUE).join('\n'),
      /required setting CLIENT_ID /,
    );
    const withSecret = settings((s) =>
      s.replace(
        'createArray(createObject(',
        "createArray(createObject('name', 'CLIENT_SECRET', 'value', 'x'), createObject(",
      ),
    );
    assert.match(checkSettingsContract(withSecret, CATALOGUE).join('\n'), /CLIENT_SECRET must not/);

    const scmOpen = buildModel(
      mutatedWhere(
        template,
        TYPE.publishingPolicy,
        (r) => typeof r.name === 'string' && r.name.includes("'scm'"),
        (r) => {
          props(r).allow = true;
        },
      ),
      BINDINGS,
    );
    assert.match(checkSecurityBaseline(scmOpen).join('\n'), /scm.*allow is true/);

    const noAudit = broken(TYPE.diagnostics, (r) => {
      const logs = props(r).logs;
      assert.ok(Array.isArray(logs));
      for (const l of logs) if (isJsonObject(l)) l.enabled = false;
    });
    const quiet = broken(TYPE.alertRule, (r) => {
      const allOf = (props(r).criteria as { allOf: JsonObject[] }).allOf;
      for (const c of allOf) c.operator = 'GreaterThan';
    });
    assert.match(
      checkFreshnessAlert(quiet, { staleAfter: 'PT30M', alertEmail: '' }).join('\n'),
      /fewer than 1 successes/,
    );
    assert.match(
      checkFreshnessAlert(buildModel(template, BINDINGS), {
        staleAfter: 'PT1H',
        alertEmail: 'x@y.example',
      }).join('\n'),
      /alert window is "PT30M", not PT1H[\s\S]*email receivers/,
    );

    const audit = checkAuditTrail(noAudit).join('\n');
    for (const category of [
      'AuditEvent',
      'FunctionAppLogs',
      'StorageRead',
      'StorageWrite',
      'StorageDelete',
    ]) {
      assert.match(audit, new RegExp(`no diagnostic setting sends ${category} `));
    }

    const tables = settings((s) =>
      s.replace(
        "createObject('name', 'AzureWebJobsFeatureFlags', 'value', 'DisableDiagnosticEventLogging')",
        "createObject('name', 'AzureWebJobsStorage__tableServiceUri', 'value', 'https://x.table.core.windows.net')",
      ),
    );
    const host = checkHostStorage(tables).join('\n');
    assert.match(host, /AzureWebJobsFeatureFlags/);
    assert.match(host, /tableServiceUri is set/);

    const vnetOn = { ...BINDINGS, vnetEnabled: true };
    const publicStorage = buildModel(
      mutated(template, TYPE.storage, (r) => {
        props(r).publicNetworkAccess = 'Enabled';
      }),
      vnetOn,
    );
    assert.match(
      checkNetworking(publicStorage, true).join('\n'),
      /publicNetworkAccess "Enabled", want Disabled/,
    );
    const wrongGroup = buildModel(
      mutated(template, TYPE.privateEndpoint, (r) => {
        const connections = props(r).privateLinkServiceConnections;
        assert.ok(Array.isArray(connections) && isJsonObject(connections[0]));
        const connection = connections[0].properties;
        assert.ok(isJsonObject(connection));
        connection.groupIds = ['table'];
      }),
      vnetOn,
    );
    assert.match(checkNetworking(wrongGroup, true).join('\n'), /0 private endpoints for blob/);
    const undelegated = buildModel(
      mutated(template, TYPE.vnet, (r) => {
        const subnets = props(r).subnets;
        assert.ok(Array.isArray(subnets) && isJsonObject(subnets[0]));
        const subnet = subnets[0].properties;
        assert.ok(isJsonObject(subnet));
        delete subnet.delegations;
      }),
      vnetOn,
    );
    assert.match(checkNetworking(undelegated, true).join('\n'), /not delegated/);
  });
});

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return bicepFiles(full);
    return e.name.endsWith('.bicep') ? [full] : [];
  });
}
