import { readOnlyCatalogue } from '../../persistence/catalogue/catalogue.store';
import { ResourceStrategy } from '../resources/resource.service';
import { ResolvedResourceType } from '../scim.options';

/**
 * What a served type adds to the one resource service: a catalogue type that does not accept
 * writes refuses them (405, `Allow: GET`) before the body is read, so a malformed or no-op
 * write of a read-only catalogue gets the same answer as any other.
 */
export function servedTypeStrategy(t: ResolvedResourceType): ResourceStrategy {
  if (!t.catalogue || t.catalogue.writable === true) {
    return {};
  }
  const name = t.resourceType.name;
  return { refuseWrite: (verb) => readOnlyCatalogue(name, verb) };
}
