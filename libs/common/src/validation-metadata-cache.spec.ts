import { Type, plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  validate,
  ValidateNested,
  ValidationError,
  ValidatorOptions,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { cacheValidationMetadata } from './validation-metadata-cache';
import { VALIDATION_OPTIONS } from './validation';

// The cache is installed on class-validator's process-wide storage: once, in beforeAll, after the
// uncached results have been recorded.

class AddressDto {
  @IsString()
  @MinLength(2)
  city!: string;

  @IsOptional()
  @IsInt()
  zip?: number;
}

class BaseDto {
  @IsString()
  @IsNotEmpty()
  id!: string;

  @IsOptional()
  @IsString({ groups: ['admin'] })
  note?: string;
}

class PersonDto extends BaseDto {
  @IsString()
  @MaxLength(10)
  name!: string;

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AddressDto)
  previous?: AddressDto[];

  @IsInt({ groups: ['admin'] })
  @Min(0, { always: true })
  level!: number;
}

/** Overrides a parent rule: its own MinLength on `name` comes with the inherited ones. */
class AdminDto extends PersonDto {
  @IsString()
  @MinLength(5)
  declare name: string;

  @Matches(/^adm_/, { groups: ['admin'] })
  badge!: string;
}

const OPTIONS: Record<string, ValidatorOptions> = {
  default: VALIDATION_OPTIONS,
  admin: { ...VALIDATION_OPTIONS, groups: ['admin'] },
  strict: { ...VALIDATION_OPTIONS, strictGroups: true },
  always: { ...VALIDATION_OPTIONS, groups: ['admin'], always: true },
  // Groups that a joined-string cache key would mix up with the ones above or with each other.
  noGroups: { ...VALIDATION_OPTIONS, groups: [] },
  emptyGroup: { ...VALIDATION_OPTIONS, groups: [''] },
  twoGroups: { ...VALIDATION_OPTIONS, groups: ['admin', 'x'] },
  commaGroup: { ...VALIDATION_OPTIONS, groups: ['admin,x'] },
};

const INPUTS: Record<string, [new () => object, Record<string, unknown>]> = {
  validPerson: [PersonDto, { id: 'p1', name: 'Ada', address: { city: 'London' }, level: 3 }],
  invalidPerson: [
    PersonDto,
    {
      id: '',
      name: 'a name that is too long',
      address: { city: 'X', zip: 'nope', street: 'unknown' },
      previous: [{ city: 'Paris' }, { city: 7 }],
      level: -1.5,
      note: 42,
      extra: true,
    },
  ],
  missingPerson: [PersonDto, {}],
  admin: [AdminDto, { id: 'a1', name: 'Bob', address: { city: 'Rome' }, level: 'high', badge: 'usr_1' }],
  address: [AddressDto, { city: '', zip: 1.5 }],
};

interface PlainError {
  property: string;
  value: unknown;
  constraints?: Record<string, string>;
  children?: PlainError[];
}

const plain = (errors: ValidationError[]): PlainError[] =>
  errors.map((e) => ({ property: e.property, value: e.value, constraints: e.constraints, children: plain(e.children ?? []) }));

/** Every input validated with every set of options, as `input/options` -> errors. */
async function validateEverything(): Promise<Record<string, PlainError[]>> {
  const out: Record<string, PlainError[]> = {};
  for (const [input, [cls, body]] of Object.entries(INPUTS)) {
    for (const [name, options] of Object.entries(OPTIONS)) {
      out[`${input}/${name}`] = plain(await validate(plainToInstance(cls, structuredClone(body)), options));
    }
  }
  return out;
}

/** A class, as class-validator's lookups take it. */
type Target = abstract new (...args: never[]) => object;

type Storage = ReturnType<typeof getMetadataStorage> & {
  getTargetValidationMetadatas(
    target: Target,
    targetSchema: string | undefined,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): ValidationMetadata[];
  groupByPropertyName(metadata: ValidationMetadata[]): Record<string, ValidationMetadata[]>;
};

const storage = getMetadataStorage() as Storage;
/** class-validator's own lookups: the cache replaces them on the storage object, not on its class. */
const uncached = Object.getPrototypeOf(storage) as Storage;
const lookUp = (target: Target, always = false, strictGroups = false, groups?: string[]) =>
  storage.getTargetValidationMetadatas(target, undefined, always, strictGroups, groups);
const lookUpUncached = (target: Target, always = false, strictGroups = false, groups?: string[]) =>
  uncached.getTargetValidationMetadatas.call(storage, target, undefined, always, strictGroups, groups);

describe('cacheValidationMetadata', () => {
  let withoutCache: Record<string, PlainError[]>;

  beforeAll(async () => {
    expect(Object.hasOwn(storage, 'getTargetValidationMetadatas')).toBe(false);
    withoutCache = await validateEverything();
    cacheValidationMetadata();
    expect(Object.hasOwn(storage, 'getTargetValidationMetadatas')).toBe(true);
  });

  it('validate() reports the same errors with the cache as without it, on the first and on later calls', async () => {
    // the inputs do exercise the rules: nested, inherited, whitelisted and grouped ones fail
    expect(withoutCache['validPerson/default']).toEqual([]);
    expect(withoutCache['invalidPerson/default'].map((e) => e.property)).toEqual(
      expect.arrayContaining(['id', 'name', 'address', 'previous', 'level', 'note', 'extra']),
    );
    expect(withoutCache['admin/admin']).not.toEqual(withoutCache['admin/default']);

    expect(await validateEverything()).toEqual(withoutCache);
    expect(await validateEverything()).toEqual(withoutCache);
  });

  it('a second lookup for the same class and options returns the cached result', () => {
    const first = lookUp(PersonDto, false, false, ['admin']);
    const second = lookUp(PersonDto, false, false, ['admin']);

    expect(second).toBe(first);
    expect(first).toEqual(lookUpUncached(PersonDto, false, false, ['admin']));
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(second));
    expect(storage.groupByPropertyName(first)).toEqual(uncached.groupByPropertyName.call(storage, first));
  });

  it('lookups with other options or for another class give their own results', () => {
    const cases: [Target, boolean, boolean, string[] | undefined][] = [
      [PersonDto, false, false, undefined],
      [PersonDto, false, false, ['admin']],
      [PersonDto, false, true, undefined],
      [PersonDto, true, false, ['admin']],
      [PersonDto, false, false, ['other']],
      [AdminDto, false, false, undefined],
      [AdminDto, false, false, ['admin']],
      [BaseDto, false, false, undefined],
    ];

    const results = cases.map((args) => lookUp(...args));

    expect(results).toEqual(cases.map((args) => lookUpUncached(...args)));
    // and the options do matter for these classes, so a cache that ignored them would fail the line above
    expect(results[0]).not.toEqual(results[1]);
    expect(results[0]).not.toEqual(results[2]);
    expect(results[5]).not.toEqual(results[0]);
  });

  it('a class defined after validations were cached validates by its own rules', async () => {
    expect(await validate(plainToInstance(PersonDto, INPUTS.validPerson[1]), VALIDATION_OPTIONS)).toEqual([]);

    class LatePersonDto extends PersonDto {
      @IsInt()
      @Min(18)
      age!: number;
    }

    const ok = await validate(plainToInstance(LatePersonDto, { ...INPUTS.validPerson[1], age: 30 }), VALIDATION_OPTIONS);
    const young = await validate(plainToInstance(LatePersonDto, { ...INPUTS.validPerson[1], age: 12 }), VALIDATION_OPTIONS);

    expect(ok).toEqual([]);
    expect(plain(young)).toEqual([{ property: 'age', value: 12, constraints: { min: 'age must not be less than 18' }, children: [] }]);
    expect(lookUp(LatePersonDto)).toEqual(lookUpUncached(LatePersonDto));
  });

  it('a rule added to a class after it was validated applies from the next validation on', async () => {
    class TagDto {
      label!: string;
    }
    const tag = (label: string) => Object.assign(new TagDto(), { label });
    // no rules yet: `label` is not whitelisted
    expect(plain(await validate(tag('x'), VALIDATION_OPTIONS))).toEqual([
      { property: 'label', value: 'x', constraints: { whitelistValidation: 'property label should not exist' }, children: [] },
    ]);

    MinLength(3)(TagDto.prototype, 'label');

    expect(plain(await validate(tag('x'), VALIDATION_OPTIONS))).toEqual([
      { property: 'label', value: 'x', constraints: { minLength: 'label must be longer than or equal to 3 characters' }, children: [] },
    ]);
    expect(await validate(tag('xyz'), VALIDATION_OPTIONS)).toEqual([]);
  });

  it("a rule added to a parent class after its child was validated applies to the child's next validation", async () => {
    class ParentDto {
      @IsString()
      title!: string;
    }
    class ChildDto extends ParentDto {}
    const child = (title: string) => Object.assign(new ChildDto(), { title });
    expect(await validate(child('x'), VALIDATION_OPTIONS)).toEqual([]);

    MaxLength(0)(ParentDto.prototype, 'title');

    expect(plain(await validate(child('x'), VALIDATION_OPTIONS))).toEqual([
      { property: 'title', value: 'x', constraints: { maxLength: 'title must be shorter than or equal to 0 characters' }, children: [] },
    ]);
  });

  it('installing the cache again changes nothing: the cached lookups stay and still give the right results', async () => {
    const lookup = storage.getTargetValidationMetadatas;
    const group = storage.groupByPropertyName;
    const before = lookUp(AdminDto, false, false, ['admin']);

    cacheValidationMetadata();

    expect(storage.getTargetValidationMetadatas).toBe(lookup);
    expect(storage.groupByPropertyName).toBe(group);
    expect(lookUp(AdminDto, false, false, ['admin'])).toBe(before);
    expect(before).toEqual(lookUpUncached(AdminDto, false, false, ['admin']));
    expect(await validateEverything()).toEqual(withoutCache);
  });
});
