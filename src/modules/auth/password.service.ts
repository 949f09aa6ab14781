import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';
import { problems } from '../../common/problem.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** argon2id with the OWASP minimum (19 MiB, 2 iterations, 1 lane). */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Hashing and the password policy: at least 12 characters, and not a common or easily guessed password
 * (zxcvbn-ts with its common-password dictionary; the user's own email and name count as guessable).
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  private zxcvbn: ZxcvbnFactory;
  /** A real hash to verify against when the email is unknown, so that both paths take the same time. */
  private decoy: string;

  async onModuleInit(): Promise<void> {
    this.zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary },
      graphs: common.adjacencyGraphs,
    });
    this.decoy = await argon2.hash('decoy-password-never-used', ARGON2_OPTIONS);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? this.decoy, password);
    } catch {
      return false;
    }
  }

  /** Throws a 400 naming the field when the password breaks the policy. */
  assertAcceptable(password: string, field: string, userInputs: string[] = []): void {
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw problems.invalid(
        field,
        'passwordLength',
        `${field} must be between ${PASSWORD_MIN_LENGTH} and ${PASSWORD_MAX_LENGTH} characters`,
      );
    }
    const result = this.zxcvbn.check(password, userInputs);
    if (result.score < 3) {
      throw problems.invalid(field, 'passwordStrength', `${field} is too common or too easy to guess`);
    }
  }
}
