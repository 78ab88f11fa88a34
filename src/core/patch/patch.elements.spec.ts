import { parseFilter } from '../filter/filter.parser';
import { validateValueFilter } from '../filter/filter.validator';
import { findIn } from '../schema/schema.registry';
import { USER_SCHEMA } from '../schema/user.schema';
import { profileFor, valueFilterOptions } from '../profile/idp-profile';
import { equalityTerms } from './patch.elements';

const emails = findIn(USER_SCHEMA.attributes, 'emails')!;
const lenient = valueFilterOptions(profileFor('lenient'));

describe('equalityTerms (the element a no-match replace creates, replaceNoTargetAdds)', () => {
  it.each([
    ['type eq "work"', [['type', 'work']]],
    ['type eq "work" and primary eq "True"', [['type', 'work'], ['primary', true]]],
    ['type eq "work" or type eq "home"', undefined],
    ['type sw "w"', undefined],
    ['not (type eq "work")', undefined],
  ] as const)('%s', (filter, expected) => {
    const validated = validateValueFilter(parseFilter(filter), emails, lenient);
    const terms = equalityTerms(validated, emails);
    expect(terms?.map((t) => [t.sub.name, t.value])).toEqual(expected);
  });
});
