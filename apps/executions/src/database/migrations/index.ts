import { InitExecutions1763950000000 } from './1763950000000-InitExecutions';
import { ClaimsWithoutFsync1763970000000 } from './1763970000000-ClaimsWithoutFsync';
import { StartRunClaimed1764000000000 } from './1764000000000-StartRunClaimed';
import { RunSlots1764010000000 } from './1764010000000-RunSlots';
import { StartRunsBatched1764020000000 } from './1764020000000-StartRunsBatched';
import { DropRunningAgentIndex1764030000000 } from './1764030000000-DropRunningAgentIndex';
import { CustomPlansInClaimFunctions1764040000000 } from './1764040000000-CustomPlansInClaimFunctions';
import { SlotReleasesAppendOnly1764050000000 } from './1764050000000-SlotReleasesAppendOnly';
import { DropStartRun1764060000000 } from './1764060000000-DropStartRun';
import { StartRunsRanAhead1764070000000 } from './1764070000000-StartRunsRanAhead';
import { StartRunsWriteStart1764080000000 } from './1764080000000-StartRunsWriteStart';

export const migrations = [
  InitExecutions1763950000000,
  ClaimsWithoutFsync1763970000000,
  StartRunClaimed1764000000000,
  RunSlots1764010000000,
  StartRunsBatched1764020000000,
  DropRunningAgentIndex1764030000000,
  CustomPlansInClaimFunctions1764040000000,
  SlotReleasesAppendOnly1764050000000,
  DropStartRun1764060000000,
  StartRunsRanAhead1764070000000,
  StartRunsWriteStart1764080000000,
];
