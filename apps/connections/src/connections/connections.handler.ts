import {
  ConnectionRef,
  ConnectionsRpc,
  CreateConnectionRequest,
  ListConnectionsQuery,
  ReportAuthFailureRequest,
  ResolveConnectionRequest,
  TestConnectionConfigRequest,
  UpdateConnectionMessage,
} from '@agentry/contracts';
import { Rpc, RpcInput } from '@agentry/common';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateConnectionUseCase } from './create-connection/create-connection.use-case';
import { DeleteConnectionUseCase } from './delete-connection/delete-connection.use-case';
import { GetConnectionUseCase } from './get-connection/get-connection.use-case';
import { ListConnectionsUseCase } from './list-connections/list-connections.use-case';
import { ReportAuthFailureUseCase } from './report-auth-failure/report-auth-failure.use-case';
import { ResolveConnectionUseCase } from './resolve-connection/resolve-connection.use-case';
import { TestConnectionConfigUseCase } from './test-connection-config/test-connection-config.use-case';
import { TestConnectionUseCase } from './test-connection/test-connection.use-case';
import { UpdateConnectionUseCase } from './update-connection/update-connection.use-case';

@Controller()
export class ConnectionsHandler {
  constructor(
    private readonly createConnection: CreateConnectionUseCase,
    private readonly listConnections: ListConnectionsUseCase,
    private readonly getConnection: GetConnectionUseCase,
    private readonly updateConnection: UpdateConnectionUseCase,
    private readonly deleteConnection: DeleteConnectionUseCase,
    private readonly testConnection: TestConnectionUseCase,
    private readonly testConfig: TestConnectionConfigUseCase,
    private readonly resolveConnection: ResolveConnectionUseCase,
    private readonly reportAuthFailure: ReportAuthFailureUseCase,
  ) {}

  @MessagePattern(ConnectionsRpc.create)
  create(@Payload(Rpc(CreateConnectionRequest)) { ctx, data }: RpcInput<CreateConnectionRequest>) {
    return this.createConnection.execute(ctx, data);
  }

  @MessagePattern(ConnectionsRpc.list)
  list(@Payload(Rpc(ListConnectionsQuery)) { ctx, data }: RpcInput<ListConnectionsQuery>) {
    return this.listConnections.execute(ctx, data);
  }

  @MessagePattern(ConnectionsRpc.get)
  get(@Payload(Rpc(ConnectionRef)) { ctx, data }: RpcInput<ConnectionRef>) {
    return this.getConnection.execute(ctx, data.connection);
  }

  @MessagePattern(ConnectionsRpc.update)
  update(@Payload(Rpc(UpdateConnectionMessage)) { ctx, data }: RpcInput<UpdateConnectionMessage>) {
    return this.updateConnection.execute(ctx, data.connection, data.patch);
  }

  @MessagePattern(ConnectionsRpc.delete)
  remove(@Payload(Rpc(ConnectionRef)) { ctx, data }: RpcInput<ConnectionRef>) {
    return this.deleteConnection.execute(ctx, data.connection);
  }

  @MessagePattern(ConnectionsRpc.test)
  test(@Payload(Rpc(ConnectionRef)) { ctx, data }: RpcInput<ConnectionRef>) {
    return this.testConnection.execute(ctx, data.connection);
  }

  @MessagePattern(ConnectionsRpc.testConfig)
  testConfigBeforeSaving(@Payload(Rpc(TestConnectionConfigRequest)) { data }: RpcInput<TestConnectionConfigRequest>) {
    return this.testConfig.execute(data);
  }

  @MessagePattern(ConnectionsRpc.resolve)
  resolve(@Payload(Rpc(ResolveConnectionRequest)) { ctx, data }: RpcInput<ResolveConnectionRequest>) {
    return this.resolveConnection.execute(ctx, data);
  }

  @MessagePattern(ConnectionsRpc.reportAuthFailure)
  authFailure(@Payload(Rpc(ReportAuthFailureRequest)) { ctx, data }: RpcInput<ReportAuthFailureRequest>) {
    return this.reportAuthFailure.execute(ctx, data);
  }
}
