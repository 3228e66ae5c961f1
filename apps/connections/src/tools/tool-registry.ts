import { httpRequestTool } from './builtin/http-request.tool';
import { jsonTransformTool } from './builtin/json-transform.tool';
import { timeNowTool } from './builtin/time-now.tool';
import { githubCommentOnIssueTool } from './platform/github/comment-on-issue.tool';
import { githubCreateIssueTool } from './platform/github/create-issue.tool';
import { githubGetRepositoryTool } from './platform/github/get-repository.tool';
import { githubListPullRequestsTool } from './platform/github/list-pull-requests.tool';
import { githubSearchIssuesTool } from './platform/github/search-issues.tool';
import { httpBasicRequestTool } from './platform/http/basic-request.tool';
import { httpBearerRequestTool } from './platform/http/bearer-request.tool';
import { slackAddReactionTool } from './platform/slack/add-reaction.tool';
import { slackListChannelsTool } from './platform/slack/list-channels.tool';
import { slackLookupUserByEmailTool } from './platform/slack/lookup-user-by-email.tool';
import { slackPostMessageTool } from './platform/slack/post-message.tool';
import { anthropicCreateMessageTool } from './platform/models/create-message.tool';
import { openaiChatCompletionTool } from './platform/models/chat-completion.tool';
import { openaiCreateEmbeddingTool } from './platform/models/create-embedding.tool';
import { anthropicListModelsTool, openaiListModelsTool } from './platform/models/list-models.tool';
import { ToolDefinition } from './tool';

/** Tools that need no connection. */
export const BUILTIN_TOOLS: readonly ToolDefinition[] = [httpRequestTool, jsonTransformTool, timeNowTool];

/** Tools that act with a connection of their platform, one module each. Adding one is a file and a line here. */
export const PLATFORM_TOOLS: readonly ToolDefinition[] = [
  slackPostMessageTool,
  slackListChannelsTool,
  slackAddReactionTool,
  slackLookupUserByEmailTool,
  githubCreateIssueTool,
  githubCommentOnIssueTool,
  githubGetRepositoryTool,
  githubListPullRequestsTool,
  githubSearchIssuesTool,
  httpBearerRequestTool,
  httpBasicRequestTool,
  openaiChatCompletionTool,
  openaiCreateEmbeddingTool,
  openaiListModelsTool,
  anthropicCreateMessageTool,
  anthropicListModelsTool,
];

/** MCP tools are named `mcp.<the server's tool name>`. */
export const MCP_PREFIX = 'mcp.';

export class ToolRegistry {
  private readonly byName: Map<string, ToolDefinition>;

  constructor(
    readonly builtins: readonly ToolDefinition[] = BUILTIN_TOOLS,
    readonly platformTools: readonly ToolDefinition[] = PLATFORM_TOOLS,
  ) {
    this.byName = new Map([...builtins, ...platformTools].map((t) => [t.name, t]));
  }

  find(name: string): ToolDefinition | undefined {
    return this.byName.get(name);
  }

  forPlatform(platform: string): ToolDefinition[] {
    return this.platformTools.filter((t) => t.platform === platform);
  }
}
