import { definePackageProject } from '../../vitest.shared';

export default definePackageProject('taxii-server');
