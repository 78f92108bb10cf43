import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { laravelDateTransformer } from '@offramp/legacy-bridge';

/** The monolith's `categories` table (shared-database phase: Laravel's migrations own it). */
@Entity({ name: 'categories' })
export class Category {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: number;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  slug!: string;

  @Column({ name: 'created_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  createdAt!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  updatedAt!: string | null;
}
