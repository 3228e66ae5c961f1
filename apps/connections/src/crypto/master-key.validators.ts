import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { decodeMasterKey, DEV_MASTER_KEY, parseKeyring } from './master-key';

// Messages name the variable and the rule, never the value.

@ValidatorConstraint({ name: 'masterKeyFormat' })
export class MasterKeyFormat implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && decodeMasterKey(value) !== null;
  }
  defaultMessage(): string {
    return 'must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`)';
  }
}

@ValidatorConstraint({ name: 'notTheDevelopmentKey' })
export class NotTheDevelopmentKey implements ValidatorConstraintInterface {
  validate(value: unknown, args?: ValidationArguments): boolean {
    const production = (args?.object as { NODE_ENV?: string } | undefined)?.NODE_ENV === 'production';
    const key = typeof value === 'string' ? decodeMasterKey(value) : null;
    return !(production && key && key.equals(DEV_MASTER_KEY));
  }
  defaultMessage(): string {
    return 'is the public development key, which production refuses';
  }
}

@ValidatorConstraint({ name: 'masterKeyringFormat' })
export class MasterKeyringFormat implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      parseKeyring(value);
      return true;
    } catch (err) {
      this.problem = (err as Error).message;
      return false;
    }
  }
  defaultMessage(): string {
    return `must be a comma-separated list of id:base64 keys (${this.problem || 'invalid'})`;
  }
}
