import { AppError } from '@agentry/common';
import { Injectable, PipeTransform } from '@nestjs/common';

const REF = /^[A-Za-z0-9_-]{1,80}$/;

/** A path id (or slug) that cannot exist is a 404 rather than a validation error. */
@Injectable()
export class ResourceRefPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!REF.test(value)) throw AppError.notFound(this.what, value.slice(0, 80));
    return value;
  }
}

export const Ref = (what: string) => new ResourceRefPipe(what);
