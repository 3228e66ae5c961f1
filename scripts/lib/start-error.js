'use strict';

/** A failure the start script reports as one plain sentence, without a stack trace. */
class StartError extends Error {
  constructor(message, details = []) {
    super(message);
    this.name = 'StartError';
    this.details = details;
  }
}

module.exports = { StartError };
