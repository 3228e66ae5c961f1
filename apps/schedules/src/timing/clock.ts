/** The time source of everything that plans fires; tests inject a fixed or stepping clock. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
