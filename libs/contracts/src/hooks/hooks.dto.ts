import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

/** Header with the hook key, the simplest way to call a hook. */
export const HOOK_KEY_HEADER = 'x-api-key';
/** `t=<unix seconds>,v1=<hex HMAC-SHA256(signing_secret, "<t>.<raw body>")>`; t within 5 minutes. */
export const HOOK_SIGNATURE_HEADER = 'x-agentry-signature';
/** GitHub's format, accepted too: `sha256=<hex HMAC-SHA256(signing_secret, raw body)>`. */
export const HOOK_GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';
export const HOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

export class HookView {
  @ApiProperty({ example: 'hook_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) hook_id: string;
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) agent_id: string;
  @ApiProperty({ example: 'https://agentry.example.com/v1/hooks/hook_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) url: string;
  @ApiProperty({ example: 'hk_3q2+7w…', description: 'Send as `X-API-Key`' }) key: string;
  @ApiProperty({ example: 'hsec_…', description: 'HMAC-SHA256 key for `X-Agentry-Signature` or `X-Hub-Signature-256`' })
  signing_secret: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) rotated_at: string | null;
}

/** `agents.hooks.resolve`: what the gateway needs to authenticate a call to a hook. Never leaves the cluster. */
export class ResolveHookRequest {
  @IsString()
  @MaxLength(80)
  @Matches(/^hook_[0-9A-HJKMNP-TV-Z]{26}$/)
  hook_id: string;
}

export interface ResolvedHook {
  hook_id: string;
  workspace_id: string;
  agent_id: string;
  /** SHA-256 (hex) of the hook key. */
  key_sha256: string;
  signing_secret: string;
}
