/** The registry of CLI commands: adding a command is one file in this folder and one line here. */
import { Command } from '../command';
import { ablateCommand } from './ablate';
import { analyzeCommand } from './analyze';
import { equivCommand } from './equiv';
import { demoCommand } from './demo';
import { evalCommand } from './eval';
import { extractFsaCommand } from './extract-fsa';
import { infoCommand } from './info';
import { searchCommand } from './search';
import { sweepCommand } from './sweep';
import { validateVerdictCommand } from './validate-verdict';
import { workerCommand } from './worker';
import { probeCommand } from './probe';
import { reportCommand } from './report';
import { trainCommand } from './train';
import { importCommand } from './import';
import { exportCommand } from './export';

export const commands: Command[] = [trainCommand, evalCommand, infoCommand, extractFsaCommand, ablateCommand, analyzeCommand, equivCommand, probeCommand, reportCommand, importCommand, exportCommand, searchCommand, workerCommand, sweepCommand, validateVerdictCommand, demoCommand];
