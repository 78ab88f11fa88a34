import { parseFilter } from '../filter/filter.parser';
import { FilterParser } from './patch.types';

/** The project's RFC 7644 §3.4.2.2 filter parser, used for the bracket text of PATCH paths. */
export const defaultFilterParser: FilterParser = (text) => parseFilter(text);
