import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'agentry:public';
/** No API key needed (health, metrics, docs, inbound hooks with their own auth). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
