#!/usr/bin/env node
// The CDK app entry (cdk.json "app"): runs on Node 24 type stripping, no build step.
import { buildSluiceApp } from '../lib/app.ts';

buildSluiceApp().app.synth();
